using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// One email of a case (<c>/zaken/{caseId}/emails/{emailId}</c>): the text as sent and every attempt, and
/// for a failed or uncertain one a form to send it again, to a corrected parent's address when needed.
/// For whoever may not see the case's emails, the same 404 as for a case that does not exist.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class CaseEmailPageModel(CaseEmails emails, AppDbContext db, AuditTrail audit) : StaffPageModel
{
    public CaseEmailDetails Details { get; private set; } = null!;

    /// <summary>The address to send it to; shown as typed when it is refused.</summary>
    [BindProperty] public string? Address { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string caseId, string emailId, CancellationToken ct)
    {
        if (await emails.GetAsync(Staff, caseId, emailId, ct) is not { } details) return this.NotFoundPage();
        Details = details;
        Address = details.Email.To;
        await audit.RecordAsync(db, Staff, AuditActions.CaseEmailViewed, AuditResource.Email(caseId, emailId), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string caseId, string emailId, CancellationToken ct)
    {
        var result = await emails.ResendAsync(Staff, caseId, emailId, Address, ct);
        if (result.Status == EmailResendStatus.Resent) return LocalRedirect($"/zaken/{Uri.EscapeDataString(caseId)}#e-mails");
        if (await emails.GetAsync(Staff, caseId, emailId, ct) is not { } details || result.Status == EmailResendStatus.NotFound) return this.NotFoundPage();
        Details = details;
        Error = result.Message;
        // Sending a sent email again could reach the parent twice: a conflict with the email's state. A mistyped
        // address is answered like every form of the site: the page again, with the message and what was typed.
        if (result.Status == EmailResendStatus.NotResendable) Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }
}
