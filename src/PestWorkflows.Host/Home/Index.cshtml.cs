using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Inbox;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Home;

/// <summary>
/// The start page is the inbox ("Mijn taken"): the open tasks the signed-in person may act on,
/// assigned to them or waiting for their role, the earliest deadline first.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class IndexModel(StaffAccessor staffAccessor, TaskService tasks, CaseService cases, AppDbContext db, TimeProvider clock) : PageModel
{
    public string DisplayName { get; private set; } = "";
    public IReadOnlyList<InboxRow> Rows { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }
    [TempData] public string? Message { get; set; }
    [TempData] public string? Problem { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(User) is not { } staff) return LocalRedirect(StaffPages.SignInPath);
        DisplayName = staff.DisplayName;
        Now = clock.GetUtcNow();
        var open = await tasks.ActionableBy(staff).AsNoTracking().ToListAsync(ct);
        var caseIds = open.Select(t => t.CaseId).Distinct().ToList();
        var pupils = await (from cp in db.CasePupils
                            join p in db.Pupils on cp.PupilId equals p.Id
                            where caseIds.Contains(cp.CaseId)
                            select new { cp.CaseId, Name = p.FirstName + " " + p.LastName, cp.Role }).ToListAsync(ct);
        // A task waiting for one's role can belong to a case one may not (yet) open: no link to a 404.
        var visible = (await cases.Visible(staff).Where(c => caseIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        Rows = open
            .OrderBy(t => t.DueAt ?? DateTimeOffset.MaxValue).ThenByDescending(t => t.Priority).ThenBy(t => t.CreatedAt)
            .Select(t => new InboxRow(
                t.Id, t.CaseId, t.Title, t.Step,
                string.Join(", ", pupils.Where(p => p.CaseId == t.CaseId).Select(p => $"{p.Name} ({PupilRoles.Dutch(p.Role)})")),
                t.DueAt,
                t.DueAt is { } due && due <= Now,
                t.DueAt is { } today && today > Now && DutchTime.IsToday(today, Now),
                t.AssigneeUserId == staff.Id,
                RoleLabels.Dutch(t.CandidateRole),
                visible.Contains(t.CaseId)))
            .ToList();
        return Page();
    }

    public Task<IActionResult> OnPostClaimAsync(string id, CancellationToken ct) =>
        ChangeAsync(staff => tasks.ClaimAsync(staff, id, ct), "Je hebt de taak opgepakt.");

    public Task<IActionResult> OnPostReleaseAsync(string id, CancellationToken ct) =>
        ChangeAsync(staff => tasks.ReleaseAsync(staff, id, ct), "Je hebt de taak teruggegeven.");

    private async Task<IActionResult> ChangeAsync(Func<Staff, Task<TaskOperationResult>> change, string done)
    {
        if (await staffAccessor.GetAsync(User) is not { } staff) return LocalRedirect(StaffPages.SignInPath);
        var result = await change(staff);
        if (result.Failure == TaskFailure.None) Message = done;
        else Problem = result.Message;
        // Back to the inbox with a GET, so a refresh does not send the form again.
        return LocalRedirect("/");
    }
}
