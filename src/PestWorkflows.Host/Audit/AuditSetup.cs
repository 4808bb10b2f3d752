namespace PestWorkflows.Host.Audit;

public static class AuditSetup
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<AuditTrail>();
        return services;
    }
}
