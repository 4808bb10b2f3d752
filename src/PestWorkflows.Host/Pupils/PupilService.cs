using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Pupils;

/// <summary>A pupil's page: who may open it, and the pupil's chronology across all their cases.</summary>
public sealed class PupilService(AppDbContext db, StaffAccess access)
{
    public const int MaxSearchResults = 50;

    /// <summary>Pupils whose page the staff member may open (AccessRules.OpenPupilRecord).</summary>
    public IQueryable<Pupil> Openable(Staff staff) => access.PupilRecords(staff);

    /// <summary>Of these pupils, the ones whose page this person may open (to link their names).</summary>
    public async Task<IReadOnlySet<string>> OpenableAmongAsync(Staff staff, IEnumerable<string> pupilIds, CancellationToken ct)
    {
        var ids = pupilIds.Distinct().ToList();
        if (ids.Count == 0) return new HashSet<string>();
        return (await Openable(staff).Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).ToHashSet();
    }

    /// <summary>The pupils this person may open whose name (or group) contains <paramref name="term"/>, by group and name.</summary>
    public async Task<IReadOnlyList<PupilDto>> SearchAsync(Staff staff, string? term, CancellationToken ct)
    {
        var query = from p in Openable(staff).AsNoTracking()
                    join g in db.Groups on p.GroupId equals g.Id
                    select new { p, g };
        if (!string.IsNullOrWhiteSpace(term))
        {
            var t = term.Trim().ToLower();
            query = query.Where(x => (x.p.FirstName + " " + x.p.LastName).ToLower().Contains(t) || x.g.Name.ToLower().Contains(t));
        }
        return await query.OrderBy(x => x.g.Year).ThenBy(x => x.g.Name).ThenBy(x => x.p.LastName).ThenBy(x => x.p.FirstName).Take(MaxSearchResults)
            .Select(x => new PupilDto(x.p.Id, x.p.FirstName, x.p.LastName, x.p.FirstName + " " + x.p.LastName, x.g.Id, x.g.Name))
            .ToListAsync(ct);
    }

    /// <summary>
    /// The pupil's cases and the timeline of those cases; null when the pupil does not exist or this
    /// person may not open the page (the caller answers both with the same 404). The cases are all the
    /// pupil's cases, also those whose dossier this person may not open; those come without a link.
    /// </summary>
    public async Task<PupilChronology?> ChronologyAsync(Staff staff, string pupilId, CancellationToken ct)
    {
        var pupil = await (from p in Openable(staff).AsNoTracking()
                           join g in db.Groups on p.GroupId equals g.Id
                           where p.Id == pupilId
                           select new { p.Id, p.FirstName, p.LastName, GroupId = g.Id, Group = g.Name }).FirstOrDefaultAsync(ct);
        if (pupil is null) return null;

        var rows = await (from cp in db.CasePupils
                          join c in db.Cases on cp.CaseId equals c.Id
                          where cp.PupilId == pupilId && c.SchoolId == staff.SchoolId
                          orderby c.ReportedAt descending, c.Id descending
                          select new { c.Id, cp.Role, c.Status, c.CurrentStep, c.CurrentStepTitle, c.IsOverdue, c.ReportedAt, c.ClosedAt }).ToListAsync(ct);
        var caseIds = rows.Select(r => r.Id).ToList();
        // Whether a dossier opens is the cases' own rule, not the pupil page's.
        var openable = (await access.Cases(staff).Where(c => caseIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        var roles = rows.ToDictionary(r => r.Id, r => r.Role);

        var lines = await db.Timeline.AsNoTracking().Where(t => caseIds.Contains(t.CaseId))
            .OrderBy(t => t.At).ThenBy(t => t.Id)
            .Select(t => new { t.CaseId, t.At, t.Kind, t.Text, t.ActorUserId }).ToListAsync(ct);
        var actorIds = lines.Select(l => l.ActorUserId).OfType<string>().Distinct().ToList();
        var names = await db.Users.Where(u => actorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);

        return new PupilChronology(
            pupil.Id, $"{pupil.FirstName} {pupil.LastName}", pupil.GroupId, pupil.Group,
            rows.Select(r => new PupilCaseDto(r.Id, r.Role, PupilRoles.Dutch(r.Role), r.Status.ToString(), r.CurrentStep, r.CurrentStepTitle,
                r.IsOverdue, r.ReportedAt, r.ClosedAt, openable.Contains(r.Id) ? $"/zaken/{Uri.EscapeDataString(r.Id)}" : null)).ToList(),
            lines.Select(l => new PupilTimelineDto(l.CaseId, l.At, l.Kind, l.Text, CaseService.Person(names, l.ActorUserId), roles[l.CaseId])).ToList());
    }
}
