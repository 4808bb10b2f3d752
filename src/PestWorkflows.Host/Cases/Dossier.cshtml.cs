using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Pupils;
using PestWorkflows.Host.Shared;
using PestWorkflows.Host.Audit;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// The dossier of one case: where it stands, its pupils, the timeline of everything and the open
/// steps. Whoever may not see the case (Access/AccessRules) gets the same 404 as for a case that does not exist.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class DossierModel(CaseService cases, PupilService pupils, CaseEmails emails, AppDbContext db, AuditTrail audit, TimeProvider clock) : StaffPageModel
{
    public CaseDto Case { get; private set; } = null!;
    public IReadOnlyDictionary<string, IReadOnlyList<StepNote>> Notes { get; private set; } = new Dictionary<string, IReadOnlyList<StepNote>>();
    /// <summary>The open tasks of this case this person may act on (the others show without a link).</summary>
    public IReadOnlySet<string> Actionable { get; private set; } = new HashSet<string>();
    public DateTimeOffset Now { get; private set; }
    /// <summary>Whether the page links to the case's audit (the person sees the case, and audits by role).</summary>
    public bool LinksAudit => AccessRules.SeesCaseAudits(Staff);
    /// <summary>The case's pupils whose page this person may open.</summary>
    public IReadOnlySet<string> PupilLinks { get; private set; } = new HashSet<string>();
    /// <summary>The case's emails; null for whoever may not see them (a teacher: parents' emails name parents).</summary>
    public IReadOnlyList<CaseEmailDto>? Emails { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (await cases.GetAsync(Staff, id, ct) is not { } found) return this.NotFoundPage();
        Case = found;
        await audit.RecordAsync(db, Staff, AuditActions.CaseViewed, AuditResource.Case(found.Id), ct);
        Now = clock.GetUtcNow();
        Notes = await CaseNotes.LoadAsync(db, id, await cases.NamesAsync(Staff.SchoolId, ct), ct);
        var open = await db.Tasks.AsNoTracking().Where(t => t.CaseId == id && t.Status == CaseTaskStatus.Open).ToListAsync(ct);
        PupilLinks = await pupils.OpenableAmongAsync(Staff, found.Pupils.Select(p => p.PupilId), ct);
        Emails = await emails.ListAsync(Staff, id, ct);
        Actionable = open.Where(t => AccessRules.MayActOn(Staff, t)).Select(t => t.Id).ToHashSet();
        return Page();
    }

    /// <summary>Whether the case is registered in ESIS (when, under which reference), waits for it, or is not that far.</summary>
    public static string EsisLabel(CaseDto c)
    {
        if (c.EsisReference is { } reference)
            return $"Geregistreerd{(c.EsisRegisteredAt is { } at ? " op " + DutchTime.Short(at) : "")}, kenmerk {reference}";
        if (c.OpenTasks.FirstOrDefault(t => t.ActivityType == EsisSummary.ActivityType) is { } open)
            return $"Wacht op registratie (taak open{(open.Assignee is { } who ? " bij " + who.Name : "")})";
        if (c.DoneTasks.Any(t => t.ActivityType == EsisSummary.ActivityType))
            return "Wacht op registratie (de taak is niet afgerond)";
        return "Nog niet aan de orde: de registratie volgt op het plan van aanpak (stap 3)";
    }

    public static string StatusLabel(CaseDto c) => c.Status == nameof(CaseStatus.Closed) ? "Gesloten" : "Open";
}
