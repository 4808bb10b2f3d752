using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Documents;

/// <summary>
/// A case document, as a download, for whoever may see the case; for anyone else (another school,
/// no part in the case, a guessed id) the same 404 as for a document that does not exist.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class DocumentDownloadModel(StaffAccessor staffAccessor, CaseDocuments documents, AppDbContext db, AuditTrail audit) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string caseId, string documentId, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(User) is not { } staff) return LocalRedirect(StaffPages.SignInPath);
        if (await documents.FindAsync(staff, caseId, documentId, ct) is not { } document || documents.Open(document) is not { } content)
            return this.NotFoundPage();
        await audit.RecordAsync(db, staff, AuditActions.DocumentDownloaded, AuditResource.Document(document.CaseId, document.Id), ct);
        DocumentResponse.AddHeaders(Response);
        return File(content, document.ContentType, document.FileName);
    }
}
