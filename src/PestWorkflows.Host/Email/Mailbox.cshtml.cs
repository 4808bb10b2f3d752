using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MimeKit;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Email;

/// <summary>
/// <c>/dev/mailbox</c>: the local mailbox (what would have been sent without an SMTP server), for
/// admins in Development only: other people get 404, and outside Development the page has no route
/// at all (see <see cref="MailboxOutsideDevelopment"/>).
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class MailboxModel(LocalMailbox mailbox, StaffAccessor staffAccessor) : PageModel
{
    public IReadOnlyList<(string Id, MimeMessage Message)> Messages { get; private set; } = [];
    public MimeMessage? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(User) is not { IsAdmin: true }) return this.NotFoundPage();

        if (id is null)
        {
            Messages = await mailbox.ListAsync(ct);
            return Page();
        }
        Message = await mailbox.ReadAsync(id, ct);
        return Message is null ? this.NotFoundPage() : Page();
    }

    public static string Addresses(InternetAddressList list) => string.Join(", ", list.Mailboxes.Select(m => string.IsNullOrEmpty(m.Name) ? m.Address : $"{m.Name} <{m.Address}>"));
}
