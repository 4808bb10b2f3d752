using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Schools;

/// <summary><c>/scholen/{schoolId}/informatie-ouders</c>: the school's letter to parents, open to everyone (parents never sign in).</summary>
[AllowAnonymous]
public sealed class ParentLetterPageModel(AppDbContext db) : PageModel
{
    public string SchoolName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string schoolId, CancellationToken ct)
    {
        var name = await db.Schools.Where(s => s.Id == schoolId).Select(s => s.Name).FirstOrDefaultAsync(ct);
        if (name is null) return this.NotFoundPage();
        SchoolName = name;
        return Page();
    }
}
