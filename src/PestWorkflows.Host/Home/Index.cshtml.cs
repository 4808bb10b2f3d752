using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Inbox;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Home;

/// <summary>
/// The start page is the inbox ("Mijn taken"): the open tasks waiting for the signed-in person,
/// assigned to them or to their role, the earliest deadline first, a page at a time; filters narrow
/// it down, and the coordinator and the leader can see every open task of the school.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class IndexModel(InboxService inbox, TaskService tasks, StaffAccess access, CaseService cases, AppDbContext db, TimeProvider clock) : StaffPageModel
{
    public const int PageSize = 25;

    /// <summary>The filters as they appear in the address (<c>?filter=</c>) and on the buttons.</summary>
    public static readonly IReadOnlyList<(string Key, InboxView View, string Label)> Filters =
    [
        ("", InboxView.Waiting, "Voor mij"),
        ("mij", InboxView.Mine, "Aan mij toegewezen"),
        ("rol", InboxView.Role, "Voor mijn rol"),
        ("te-laat", InboxView.Overdue, "Te laat"),
        ("vandaag", InboxView.DueToday, "Vandaag klaar"),
        ("alle", InboxView.All, "Alle open taken"),
    ];

    [BindProperty(SupportsGet = true, Name = "filter")] public string? Filter { get; set; }
    [BindProperty(SupportsGet = true, Name = "pagina")] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<InboxRow> Rows { get; private set; } = [];
    public InboxPage Result { get; private set; } = null!;
    public InboxView View { get; private set; }
    public DateTimeOffset Now { get; private set; }
    /// <summary>For the coordinator, who watches the protocol: how many cases wait for their registration in ESIS.</summary>
    public int? EsisPending { get; private set; }
    [TempData] public string? Message { get; set; }
    [TempData] public string? Problem { get; set; }

    /// <summary>The filters this person gets: "Alle open taken" only for those who may hand tasks out.</summary>
    public IEnumerable<(string Key, InboxView View, string Label)> VisibleFilters =>
        Filters.Where(f => f.View != InboxView.All || InboxService.SeesAllOpen(Staff));

    public string FilterLabel => Filters.First(f => f.View == View).Label;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        View = VisibleFilters.FirstOrDefault(f => f.Key == (Filter ?? "")).View; // an unknown filter is the first view
        Now = clock.GetUtcNow();
        Result = await inbox.PageAsync(Staff, View, PageNumber, PageSize, ct);
        // A page past the end (tasks done meanwhile) shows the last page rather than an empty list.
        if (Result.Items.Count == 0 && Result.Total > 0 && PageNumber > 1)
            Result = await inbox.PageAsync(Staff, View, Result.PageCount, PageSize, ct);

        if (Staff.IsCoordinator) EsisPending = await cases.EsisPendingCountAsync(Staff, ct);

        var open = Result.Items;
        var caseIds = open.Select(t => t.CaseId).Distinct().ToList();
        var pupils = await (from cp in db.CasePupils
                            join p in db.Pupils on cp.PupilId equals p.Id
                            where caseIds.Contains(cp.CaseId)
                            select new { cp.CaseId, Name = p.FirstName + " " + p.LastName, cp.Role }).ToListAsync(ct);
        // A task waiting for one's role can belong to a case one may not (yet) open: no link to a 404.
        var visible = (await access.Cases(Staff).Where(c => caseIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        var assigneeIds = open.Select(t => t.AssigneeUserId).OfType<string>().Distinct().ToList();
        var names = await db.Users.Where(u => assigneeIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        Rows = open.Select(t => new InboxRow(
                t.Id, t.CaseId, t.Title, t.Step,
                string.Join(", ", pupils.Where(p => p.CaseId == t.CaseId).Select(p => $"{p.Name} ({PupilRoles.Dutch(p.Role)})")),
                t.DueAt,
                t.DueAt is { } due && due <= Now,
                t.DueAt is { } today && today > Now && DutchTime.IsToday(today, Now),
                t.AssigneeUserId == Staff.Id,
                t.AssigneeUserId is { } other && other != Staff.Id ? names.GetValueOrDefault(other) ?? "een collega" : null,
                RoleLabels.Dutch(t.CandidateRole),
                visible.Contains(t.CaseId),
                t.AssigneeUserId is null && AccessRules.MayActOn(Staff, t),
                AccessRules.MayAssign(Staff, t)))
            .ToList();
        return Page();
    }

    public Task<IActionResult> OnPostClaimAsync(string id, CancellationToken ct) =>
        ChangeAsync(tasks.ClaimAsync(Staff, id, ct), "Je hebt de taak opgepakt.");

    public Task<IActionResult> OnPostReleaseAsync(string id, CancellationToken ct) =>
        ChangeAsync(tasks.ReleaseAsync(Staff, id, ct), "Je hebt de taak teruggegeven.");

    private async Task<IActionResult> ChangeAsync(Task<TaskOperationResult> change, string done)
    {
        var result = await change;
        if (result.Failure == TaskFailure.None) Message = done;
        else Problem = result.Message;
        // Back to the same view with a GET, so a refresh does not send the form again.
        return LocalRedirect(PageUrl(PageNumber));
    }

    /// <summary>The inbox's address with a filter and a page number.</summary>
    public string PageUrl(int page, string? filter = null)
    {
        var key = filter ?? Filter;
        var query = new Dictionary<string, string?>
        {
            ["filter"] = key is { Length: > 0 } ? key : null,
            ["pagina"] = page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null,
        };
        return QueryHelpers.AddQueryString("/", query.Where(q => q.Value is not null)!);
    }
}
