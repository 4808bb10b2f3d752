using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MimeKit;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Email;

/// <summary>
/// <c>/dev/mailbox</c>: the local mailbox (what would have been sent without an SMTP server), for
/// admins in Development only; everyone else, and every environment but Development, gets 404.
/// </summary>
[AllowAnonymous] // checked below, so that outside Development the page does not exist even for the sign-in redirect
public sealed class MailboxModel(LocalMailbox mailbox, StaffAccessor staffAccessor, IWebHostEnvironment environment) : PageModel
{
    public IReadOnlyList<(string Id, MimeMessage Message)> Messages { get; private set; } = [];
    public MimeMessage? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken ct)
    {
        if (!environment.IsDevelopment()) return this.NotFoundPage();
        var cookie = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!cookie.Succeeded) return Challenge(IdentityConstants.ApplicationScheme);
        HttpContext.User = cookie.Principal;
        if (await staffAccessor.GetAsync(cookie.Principal) is not { IsAdmin: true }) return this.NotFoundPage();

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
