using Microsoft.EntityFrameworkCore;
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
public sealed class DesignerScope(string? schoolId, IDbContextFactory<WorkflowDbContext> dbFactory)
{
    /// <summary>The engine tenant of the designer's school; null when there is no staff member behind the request.</summary>
    public string? TenantId { get; } = string.IsNullOrEmpty(schoolId) ? null : schoolId;

    /// <summary>Minimal API binding: the scope of the staff member behind the request.</summary>
    public static async ValueTask<DesignerScope?> BindAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var staff = await services.GetRequiredService<StaffAccessor>().GetAsync(context.User);
        return new DesignerScope(staff is null ? null : SchoolTenant.Of(staff.SchoolId), services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>());
    }

    // ---- definitions -------------------------------------------------------------------------

    /// <summary>Narrows a definition query to the school's definitions and the shared ones.</summary>
    public IQueryable<WorkflowDefinitionRecord> Visible(IQueryable<WorkflowDefinitionRecord> definitions)
    {
        var tenantId = TenantId;
        return tenantId is null ? definitions.Where(_ => false) : definitions.Where(d => d.TenantId == tenantId || d.TenantId == Tenants.Shared);
    }

    /// <summary>
    /// Whether the designer may save (publish, delete) this definition id: their school's own, or a new
    /// id that is not reserved for the schools' copies of the protocol (their own copy's id excepted).
    /// </summary>
    public async Task<DefinitionChange> CheckChangeAsync(string? definitionId, CancellationToken ct)
    {
        if (TenantId is null) return DefinitionChange.NotFound;
        if (string.IsNullOrWhiteSpace(definitionId)) return DefinitionChange.Allowed; // the store makes a new id
        string? owner;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            owner = await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId).Select(d => d.TenantId).FirstOrDefaultAsync(ct);
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

    // ---- instances ---------------------------------------------------------------------------

    /// <summary>Narrows an instance query to the school's instances.</summary>
    public IQueryable<WorkflowInstanceRecord> Visible(IQueryable<WorkflowInstanceRecord> instances)
    {
        var tenantId = TenantId;
        return tenantId is null ? instances.Where(_ => false) : instances.Where(i => i.TenantId == tenantId);
    }

    /// <summary>Whether the designer sees this instance; an unknown id is not seen.</summary>
    public async Task<bool> SeesInstanceAsync(string instanceId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db.Instances.AsNoTracking()).AnyAsync(i => i.Id == instanceId, ct);
    }
}
