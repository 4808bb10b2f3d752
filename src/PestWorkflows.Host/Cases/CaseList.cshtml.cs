using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Pupils;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// The cases this person may see, newest first, a page at a time: the coordinator, leader and admin
/// see all of their school and filter them; a teacher sees the cases they reported or have (had) a task in.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class CaseListModel(CaseService cases, PupilService pupils, AppDbContext db) : StaffPageModel
{
    public const int PageSize = 25;

    /// <summary>"open", "gesloten" or empty (all).</summary>
    [BindProperty(SupportsGet = true, Name = "status")] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "telaat")] public bool Overdue { get; set; }
    [BindProperty(SupportsGet = true, Name = "stap")] public int? Step { get; set; }
    [BindProperty(SupportsGet = true, Name = "groep")] public string? Group { get; set; }
    /// <summary>"2026-2027" or empty (all years); an unreadable value shows all years.</summary>
    [BindProperty(SupportsGet = true, Name = "schooljaar")] public string? SchoolYearText { get; set; }
    /// <summary>"wacht": only the cases that wait for their registration in ESIS.</summary>
    [BindProperty(SupportsGet = true, Name = "esis")] public string? Esis { get; set; }
    [BindProperty(SupportsGet = true, Name = "pagina")] public int PageNumber { get; set; } = 1;

    public bool EsisPendingOnly => Esis == "wacht";

    public CasePage Result { get; private set; } = null!;
    public bool SeesAll { get; private set; }
    public IReadOnlyList<(int Step, string Title)> Steps { get; private set; } = [];
    public IReadOnlyList<(string Id, string Name)> Groups { get; private set; } = [];
    public IReadOnlyList<SchoolYear> SchoolYears { get; private set; } = [];
    public SchoolYear? SchoolYear { get; private set; }
    /// <summary>The listed pupils whose page this person may open.</summary>
    public IReadOnlySet<string> PupilLinks { get; private set; } = new HashSet<string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        SeesAll = AccessRules.SeesEveryCaseOfSchool(Staff);
        SchoolYear = Shared.SchoolYear.TryParse(SchoolYearText, out var year) ? year : null;
        var status = Status switch { "open" => CaseStatus.Open, "gesloten" => (CaseStatus?)CaseStatus.Closed, _ => null };
        // A page past the end (a case closed meanwhile) shows the last page rather than an empty list.
        Result = await cases.PageAsync(Staff, new CaseFilter(status, Overdue, Step, Group, SchoolYear, EsisPendingOnly), PageNumber, PageSize, ct);
        if (Result.Items.Count == 0 && Result.Total > 0 && PageNumber > 1)
            Result = await cases.PageAsync(Staff, new CaseFilter(status, Overdue, Step, Group, SchoolYear, EsisPendingOnly), Result.PageCount, PageSize, ct);
        PupilLinks = await pupils.OpenableAmongAsync(Staff, Result.Items.SelectMany(c => c.Pupils).Select(p => p.PupilId), ct);
        Steps = await cases.StepsAsync(Staff, ct);
        SchoolYears = await cases.SchoolYearsAsync(Staff, ct);
        Groups = (await db.Groups.Where(g => g.SchoolId == Staff.SchoolId).OrderBy(g => g.Year).ThenBy(g => g.Name)
            .Select(g => new { g.Id, g.Name }).ToListAsync(ct)).Select(g => (g.Id, g.Name)).ToList();
        return Page();
    }

    /// <summary>The list's address with the current filters and another page number.</summary>
    public string PageUrl(int page)
    {
        var query = new Dictionary<string, string?>
        {
            ["status"] = Status is { Length: > 0 } ? Status : null,
            ["telaat"] = Overdue ? "true" : null,
            ["stap"] = Step?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["groep"] = Group is { Length: > 0 } ? Group : null,
            ["schooljaar"] = SchoolYear?.ToString(),
            ["esis"] = EsisPendingOnly ? "wacht" : null,
            ["pagina"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/zaken", query.Where(q => q.Value is not null)!);
    }
}
