using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// "Signaal melden": every staff member reports what they saw. One form holds everything: finding
/// and choosing pupils re-renders it with all that was typed, so it works without script.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(Security.RateLimits.Reports)]
public sealed class ReportSignalModel(CaseService cases, AppDbContext db, TimeProvider clock) : StaffPageModel
{
    public const int MaxListed = 30;

    [BindProperty] public string? Search { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? ObservedAt { get; set; }
    [BindProperty] public string? Location { get; set; }
    [BindProperty] public string? BoundaryCrossed { get; set; }
    [BindProperty] public List<PupilChoice> Pupils { get; set; } = [];
    [BindProperty] public string? FormToken { get; set; }

    public IReadOnlyDictionary<string, PupilOption> Chosen { get; private set; } = new Dictionary<string, PupilOption>();
    public IReadOnlyList<PupilOption> Found { get; private set; } = [];
    public int FoundTotal { get; private set; }
    public Dictionary<string, string[]> Errors { get; private set; } = new();
    public string? Problem { get; private set; }

    /// <summary>The list to choose from: until a pupil is chosen, and whenever she searches.</summary>
    public bool ShowFound => Pupils.Count == 0 || !string.IsNullOrWhiteSpace(Search);

    public string? Error(string key) => Errors.TryGetValue(key, out var messages) ? string.Join(" ", messages) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        FormToken = Guid.NewGuid().ToString("N");
        ObservedAt = DutchTime.ToLocalInput(clock.GetUtcNow());
        await LoadPupilsAsync(ct);
        return Page();
    }

    /// <summary>Search, add or remove a pupil: the same form again, with everything kept.</summary>
    public async Task<IActionResult> OnPostAsync(string? add, int? remove, CancellationToken ct)
    {
        if (add is { Length: > 0 } && Pupils.All(p => p.PupilId != add)) Pupils.Add(new PupilChoice { PupilId = add });
        if (remove is { } index && index >= 0 && index < Pupils.Count) Pupils.RemoveAt(index);
        if (add is not null || remove is not null) Search = null;
        // The fields are rendered from the model (the list changed), not from the posted values.
        ModelState.Clear();
        await LoadPupilsAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReportAsync(CancellationToken ct)
    {
        var observedAt = DutchTime.ParseLocal(ObservedAt);
        var request = new ReportSignalRequest(Description, observedAt, Location,
            BoundaryCrossed switch { "ja" => true, "nee" => false, _ => null },
            Pupils.Select(p => new ReportedPupil(p.PupilId, p.Role)).ToList());
        Errors = await cases.ValidateAsync(Staff, request, ct);
        if (observedAt is null && !string.IsNullOrWhiteSpace(ObservedAt)) Errors["observedAt"] = ["Vul een datum en tijd in, bijvoorbeeld 24-11-2026 10:15."];
        foreach (var key in Errors.Keys.Where(k => k.EndsWith(".role", StringComparison.Ordinal)).ToList())
            Errors[key] = ["Kies de rol van deze leerling."];
        if (Errors.Count > 0 || string.IsNullOrEmpty(FormToken) || FormToken.Length > CaseService.MaxSubmissionTokenLength)
        {
            Problem = "Het signaal is nog niet verstuurd: vul aan wat hieronder staat.";
            if (string.IsNullOrEmpty(FormToken) || FormToken.Length > CaseService.MaxSubmissionTokenLength) FormToken = Guid.NewGuid().ToString("N");
            await LoadPupilsAsync( ct);
            return Page();
        }

        // The form's token is kept with the case: a second send of this form (a double click, a
        // refresh, a resend after a restart) gets the first case. Not the request's cancellation
        // token: a double click aborts the first request, and its report is the one the second one gets.
        var caseId = (await cases.ReportAsync(Staff, request, FormToken, CancellationToken.None))?.Id;
        if (caseId is null)
        {
            Problem = "Het pestprotocol van de school kon niet worden gestart; het signaal is niet opgeslagen. Probeer het opnieuw of waarschuw de anti-pestcoördinator.";
            await LoadPupilsAsync(ct);
            return Page();
        }
        return LocalRedirect($"/melden/gemeld/{caseId}");
    }

    private async Task LoadPupilsAsync(CancellationToken ct)
    {
        var query = from p in db.Pupils.AsNoTracking()
                    join g in db.Groups on p.GroupId equals g.Id
                    where p.SchoolId == Staff.SchoolId
                    select new { p, g };
        var chosenIds = Pupils.Select(p => p.PupilId).OfType<string>().ToList();
        Chosen = (await query.Where(x => chosenIds.Contains(x.p.Id)).Select(x => new PupilOption(x.p.Id, x.p.FirstName + " " + x.p.LastName, x.g.Name)).ToListAsync(ct))
            .ToDictionary(p => p.Id);
        var found = query.Where(x => !chosenIds.Contains(x.p.Id));
        if (!string.IsNullOrWhiteSpace(Search))
        {
            var term = Search.Trim().ToLower();
            found = found.Where(x => (x.p.FirstName + " " + x.p.LastName).ToLower().Contains(term) || x.g.Name.ToLower().Contains(term));
        }
        FoundTotal = await found.CountAsync(ct);
        Found = await found.OrderBy(x => x.g.Year).ThenBy(x => x.p.LastName).ThenBy(x => x.p.FirstName).Take(MaxListed)
            .Select(x => new PupilOption(x.p.Id, x.p.FirstName + " " + x.p.LastName, x.g.Name)).ToListAsync(ct);
    }
}
