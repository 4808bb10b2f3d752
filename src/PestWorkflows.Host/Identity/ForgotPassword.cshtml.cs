using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PestWorkflows.Host.Security;
using Microsoft.Extensions.Options;
using PestWorkflows.Host.Email;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// <c>/wachtwoord-vergeten</c>: asks for the email address and answers the same whether or not it has
/// an account. The link in the email points at <c>Email:BaseUrl</c>; without it (Development only)
/// at the address the request came to, which outside Development a forged Host header could choose.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimits.PasswordReset)]
public sealed class ForgotPasswordModel(PasswordResets resets, IOptions<EmailLinkOptions> links, IWebHostEnvironment environment, ILogger<ForgotPasswordModel> logger) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    public bool Sent { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Email) || Email.Length > 256)
        {
            Error = "Vul je e-mailadres in.";
            return Page();
        }
        var baseUrl = links.Value.BaseUrl;
        if (string.IsNullOrWhiteSpace(baseUrl) && environment.IsDevelopment()) baseUrl = $"{Request.Scheme}://{Request.Host}{Request.PathBase}";
        if (string.IsNullOrWhiteSpace(baseUrl))
            logger.LogError("A password reset was asked for, but Email:BaseUrl is not set: no link is sent outside Development without it");
        else
            await resets.RequestAsync(Email, baseUrl, ct);
        Sent = true;
        return Page();
    }
}
