using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Pupils;

/// <summary>Find a pupil by part of the name (or the group) among the pupils this person may open.</summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class PupilSearchModel(PupilService pupils) : StaffPageModel
{
    [BindProperty(SupportsGet = true, Name = "zoek")] public string? Term { get; set; }
    public IReadOnlyList<PupilDto> Results { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Results = await pupils.SearchAsync(Staff, Term, ct);
        return Page();
    }
}
