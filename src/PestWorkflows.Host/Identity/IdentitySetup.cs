using Microsoft.AspNetCore.Identity;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Identity;

public static class IdentitySetup
{
    /// <summary>Local accounts with roles; bearer tokens for API clients and cookies for the pages
    /// (AddIdentityApiEndpoints makes the combined bearer-and-cookie scheme the default).</summary>
    public static IServiceCollection AddStaffIdentity(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser())
            .AddPolicy(Policies.Designer, p => p.RequireRole(StaffRoles.Coordinator, StaffRoles.Admin));
        services.AddIdentityApiEndpoints<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>();
        services.AddScoped<StaffAccessor>();
        return services;
    }

    public static IEndpointRouteBuilder MapStaffIdentity(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/auth").WithTags("Inloggen").MapIdentityApi<StaffUser>();
        return app;
    }
}

public static class Policies
{
    /// <summary>Any signed-in staff member.</summary>
    public const string Staff = "staff";
    /// <summary>May edit workflow definitions: coordinators and admins.</summary>
    public const string Designer = "designer";
    /// <summary>The designer's pages: as <see cref="Designer"/>, signed in with the cookie.</summary>
    public const string DesignerPage = "designer-page";
    /// <summary>A page for any signed-in staff member (cookie).</summary>
    public const string SignedInPage = "signed-in-page";
}
