using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Pupils;

/// <summary>
/// One pupil's chronology across all cases, with the role they had in each. Whoever may not open
/// the pupil (PupilService.Openable) gets the same 404 as for a pupil that does not exist.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class PupilPageModel(PupilService pupils, AppDbContext db, AuditTrail audit) : StaffPageModel
{
    public PupilChronology Pupil { get; private set; } = null!;
    /// <summary>The coordinator and the leader answer access requests (AVG art. 15) from this page.</summary>
    public bool MayExport { get; private set; }

    public async Task<IActionResult> OnGetAsync(string pupilId, CancellationToken ct)
    {
        if (await pupils.ChronologyAsync(Staff, pupilId, ct) is not { } found) return this.NotFoundPage();
        Pupil = found;
        MayExport = Access.AccessRules.AnswersAccessRequests(Staff);
        await audit.RecordAsync(db, Staff, AuditActions.PupilRecordViewed, AuditResource.Pupil(pupilId), ct);
        return Page();
    }

    public static string CaseLabel(string caseId) => "Zaak " + caseId[..Math.Min(8, caseId.Length)];
}
