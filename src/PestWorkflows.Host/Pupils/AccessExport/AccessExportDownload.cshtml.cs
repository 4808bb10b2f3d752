using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>
/// The access request's ZIP from the pupil's page ("Inzageverzoek"). Another school's pupil is the same 404 as no
/// pupil; a staff member of the school without the role gets the access-denied page.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class AccessExportDownloadModel(StaffAccessor staffAccessor, AccessExportBuilder exports) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string pupilId, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(User) is not { } staff) return LocalRedirect(StaffPages.SignInPath);
        var (refusal, pupil) = await exports.CheckAsync(staff, pupilId, ct);
        if (refusal == AccessExportRefusal.NotFound || pupil is null) return this.NotFoundPage();
        if (refusal == AccessExportRefusal.Forbidden) return Forbid();
        var (zip, fileName) = await exports.ExportAsync(staff, pupil, ct);
        DocumentResponse.AddHeaders(Response);
        return File(zip, "application/zip", fileName);
    }
}
