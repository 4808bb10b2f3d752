using PestWorkflows.Host.Api;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// The subset of Elsa 3.8's REST API (<c>/elsa/api</c>) that Elsa Studio's designer, definition list,
/// instance list and instance viewer call, backed by the engine; one class per resource. Shapes follow
/// a genuine Elsa 3.8 server (docs/elsa-golden): camelCase, enums as strings, nulls left out. Every
/// error is <c>application/problem+json</c>.
/// <para>
/// Every handler that touches definitions or instances takes the caller's <see cref="DesignerScope"/>,
/// the school's tenant in the engine: another school's definitions and instances are left out of
/// lists and bulk actions and are a 404 everywhere else, exactly like ids that do not exist. Shared
/// definitions (hello-world, the protocol template) are read-only: changing one is a 403.
/// </para>
/// </summary>
public static class ElsaApi
{
    public static RouteGroupBuilder MapElsaApi(this IEndpointRouteBuilder app)
    {
        // Completing a task is for any staff member, so it is mapped outside the designers' group.
        app.MapElsaTasks();

        // Only coordinators and admins shape the protocol; the Studio sends a bearer token or the cookie.
        var api = app.MapGroup("/elsa/api").WithTags("Elsa").RequireAuthorization(Identity.Policies.Designer)
            .WithRequestBodyLimit(RequestBodyLimits.ElsaApi);
        api.MapElsaDescriptors();
        api.MapElsaDefinitions();
        api.MapElsaInstances();
        api.MapElsaExecutions();
        api.MapElsaEvents();
        return api;
    }
}
