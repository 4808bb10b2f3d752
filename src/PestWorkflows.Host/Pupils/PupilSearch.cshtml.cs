using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Pupils;

/// <summary>Find a pupil by part of the name (or the group) among the pupils this person may open.</summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class PupilSearchModel(StaffAccessor staffAccessor, PupilService pupils) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "zoek")] public string? Term { get; set; }
    public IReadOnlyList<PupilDto> Results { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(User) is not { } staff) return LocalRedirect(StaffPages.SignInPath);
        Results = await pupils.SearchAsync(staff, Term, ct);
        return Page();
    }
}
