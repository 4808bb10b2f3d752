using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// A page for a staff member: <see cref="Staff"/> is bound before any handler runs; a signed-in account
/// that is no staff member of a school (any more) is sent to the sign-in page instead.
/// </summary>
public abstract class StaffPageModel : PageModel
{
    /// <summary>The signed-in staff member; set before a handler runs.</summary>
    public Staff Staff { get; private set; } = null!;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (await HttpContext.RequestServices.GetRequiredService<StaffAccessor>().GetAsync(User) is not { } staff)
        {
            context.Result = LocalRedirect(StaffPages.SignInPath);
            return;
        }
        Staff = staff;
        // Checked here rather than in each handler: a POST that names no handler still renders the page.
        if (!MayOpen(staff))
        {
            context.Result = Forbid();
            return;
        }
        await next();
    }

    /// <summary>Whether this staff member may open the page at all; pages for some roles only override it.</summary>
    protected virtual bool MayOpen(Staff staff) => true;
}
