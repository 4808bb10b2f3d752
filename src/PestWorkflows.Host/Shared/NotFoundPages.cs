using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PestWorkflows.Host.Shared;

public static class NotFoundPages
{
    /// <summary>A 404 with a Dutch page; what does not exist and what this person may not see look the same.</summary>
    public static IActionResult NotFoundPage(this PageModel page)
    {
        var result = page.Partial("/Shared/_NotFound.cshtml");
        result.StatusCode = StatusCodes.Status404NotFound;
        return result;
    }
}
