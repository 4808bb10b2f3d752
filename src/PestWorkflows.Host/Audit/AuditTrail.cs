using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Audit;

/// <summary>
/// The one writer of the audit trail. It adds a single row to the context the caller already works in
/// (the request's, or a workflow step's), so a change and its audit line commit in one transaction and
/// a read costs one insert, without a context or connection of its own.
/// </summary>
public sealed class AuditTrail(IHttpContextAccessor http, TimeProvider clock)
{
    /// <summary>The <see cref="AuditEntry.UserId"/> of what the host did by itself (the retention pass).</summary>
    public const string SystemActor = "system";

    /// <summary>Adds the line to <paramref name="db"/>; it is written with the caller's next SaveChanges.</summary>
    public void Add(AppDbContext db, string? userId, string? schoolId, string action, AuditResource resource) =>
        db.AuditTrail.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            UserId = userId,
            SchoolId = schoolId,
            Action = action,
            CaseId = resource.CaseId,
            ResourceType = resource.Type,
            ResourceId = resource.Id,
            ClientAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
        });

    public void Add(AppDbContext db, Staff staff, string action, AuditResource resource) => Add(db, staff.Id, staff.SchoolId, action, resource);

    /// <summary>Writes the line now: for a read, which has no change of its own to commit with.</summary>
    public async Task RecordAsync(AppDbContext db, Staff staff, string action, AuditResource resource, CancellationToken ct)
    {
        Add(db, staff, action, resource);
        await db.SaveChangesAsync(ct);
    }
}
