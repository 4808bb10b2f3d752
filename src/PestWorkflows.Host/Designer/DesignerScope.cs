using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// The signed-in designer's (a coordinator's or admin's) tenant in the engine: their school's
/// (<see cref="SchoolTenant"/>). The engine resolves every definition, instance, bookmark and event within it; a
/// designer sees their school's definitions plus the shared ones (tenant <c>*</c>), and the
/// instances of their school. Everything else is answered as if it did not exist.
/// <para>
/// Bound per request as a handler parameter (<see cref="BindAsync"/>) from <see cref="StaffAccessor"/>.
/// Without a staff record behind the request it sees nothing (<see cref="TenantId"/> is null).
/// </para>
/// </summary>
public sealed class DesignerScope(string? schoolId, WorkflowDefinitionStore definitions)
{
    /// <summary>The engine tenant of the designer's school; null when there is no staff member behind the request.</summary>
    public string? TenantId { get; } = string.IsNullOrEmpty(schoolId) ? null : schoolId;

    /// <summary>Minimal API binding: the scope of the staff member behind the request.</summary>
    public static async ValueTask<DesignerScope?> BindAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var staff = await services.GetRequiredService<StaffAccessor>().GetAsync(context.User);
        return new DesignerScope(staff is null ? null : SchoolTenant.Of(staff.SchoolId), services.GetRequiredService<WorkflowDefinitionStore>());
    }

    /// <summary>Whether the designer may change a definition of this tenant (their school's own, not a shared one).</summary>
    public bool MayChange(string definitionTenantId) => TenantId is not null && definitionTenantId == TenantId;

    /// <summary>
    /// Whether the designer may save (publish, retract, revert, delete) this definition id: their
    /// school's own, or a new id that is not reserved for the schools' copies of the protocol (their
    /// own copy's id excepted).
    /// </summary>
    public async Task<DefinitionChange> CheckChangeAsync(string? definitionId, CancellationToken ct)
    {
        if (TenantId is null) return DefinitionChange.NotFound;
        if (string.IsNullOrWhiteSpace(definitionId)) return DefinitionChange.Allowed; // the store makes a new id
        var owner = await definitions.OwnerAsync(definitionId, ct);
        return owner switch
        {
            null when definitionId.StartsWith(SchoolProtocols.CopyPrefix, StringComparison.OrdinalIgnoreCase)
                      && definitionId != SchoolProtocols.CopyIdOf(TenantId) => DefinitionChange.Reserved,
            null => DefinitionChange.Allowed,
            Tenants.Shared => DefinitionChange.Shared,
            _ when owner == TenantId => DefinitionChange.Allowed,
            _ => DefinitionChange.NotFound,
        };
    }
}
