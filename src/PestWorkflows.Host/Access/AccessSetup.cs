using Microsoft.AspNetCore.Authorization;

namespace PestWorkflows.Host.Access;

public static class AccessSetup
{
    public static IServiceCollection AddStaffAccess(this IServiceCollection services)
    {
        services.AddScoped<StaffAccess>();
        services.AddScoped<IAuthorizationHandler, StaffAccessHandler>();
        return services;
    }
}
