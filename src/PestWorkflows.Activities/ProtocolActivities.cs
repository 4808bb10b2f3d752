using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PestWorkflows.Activities.Scheduling;
using PestWorkflows.Engine.Descriptors;

namespace PestWorkflows.Activities;

public static class ProtocolActivities
{
    /// <summary>Registers the protocol's activities with the engine's registry.</summary>
    public static ActivityRegistry AddProtocolActivities(this ActivityRegistry registry) =>
        registry.RegisterAssembly(typeof(ProtocolActivities).Assembly);

    /// <summary>The engine with the protocol's activities and a default school calendar (weekends only).</summary>
    public static IServiceCollection AddProtocolActivities(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton(ActivityRegistry.CreateDefault().AddProtocolActivities()));
        services.TryAddSingleton<ISchoolCalendarProvider, DefaultSchoolCalendarProvider>();
        return services;
    }
}
