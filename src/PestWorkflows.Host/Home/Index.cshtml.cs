using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Home;

/// <summary>
/// The start page: a person who is not signed in goes to the sign-in page; a coordinator or admin
/// to the designer.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class IndexModel(StaffAccessor staffAccessor) : PageModel
{
    public string DisplayName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (await staffAccessor.GetAsync(User) is not { } staff) return LocalRedirect(StaffPages.SignInPath);
        if (staff.IsCoordinator || staff.IsAdmin) return LocalRedirect("/designer/");
        DisplayName = staff.DisplayName;
        return Page();
    }
}
