using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Audit;

/// <summary>A case's audit trail for the coordinator and the leader (<see cref="AccessRules.MaySeeCaseAudit"/>).</summary>
public sealed class CaseAudit(AppDbContext db, AuditTrail audit, CaseService cases)
{
    /// <summary>
    /// Every line about the case, oldest first, with names as they are now; null when the case does not
    /// exist for this person or they may not see its audit. Reading it is itself a line of the trail.
    /// </summary>
    public async Task<IReadOnlyList<AuditLineDto>?> ListAsync(Staff staff, string caseId, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId && c.SchoolId == staff.SchoolId, ct);
        if (@case is null || !AccessRules.MaySeeCaseAudit(staff, @case)) return null;
        var lines = await db.AuditTrail.AsNoTracking().Where(a => a.CaseId == caseId).OrderBy(a => a.Id).ToListAsync(ct);
        var names = await cases.NamesAsync(staff.SchoolId, ct);
        await audit.RecordAsync(db, staff, AuditActions.CaseAuditViewed, AuditResource.Case(caseId), ct);
        return lines.Select(a => new AuditLineDto(a.Id, a.At, a.Action, AuditLabels.Dutch(a.Action), CaseService.Person(names, a.UserId),
            a.ResourceType, a.ResourceId, a.ClientAddress)).ToList();
    }
}
