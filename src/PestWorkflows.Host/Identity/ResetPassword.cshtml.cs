using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PestWorkflows.Host.Security;

namespace PestWorkflows.Host.Identity;

/// <summary><c>/wachtwoord-herstellen?token=...</c>: the link from the email; sets a new password once.</summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimits.PasswordReset)]
public sealed class ResetPasswordModel(PasswordResets resets) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }

    public bool LinkValid { get; private set; } = true;
    public bool Changed { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => LinkValid = await resets.IsValidAsync(Token, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(NewPassword) || NewPassword.Length > 256)
            Error = "Vul een nieuw wachtwoord in.";
        else if (NewPassword != ConfirmPassword)
            Error = "De twee wachtwoorden zijn niet gelijk.";
        else
        {
            switch (await resets.ResetAsync(Token, NewPassword, ct))
            {
                case PasswordResetResult.Changed:
                    Changed = true;
                    break;
                case PasswordResetResult.InvalidLink:
                    LinkValid = false;
                    break;
                default:
                    Error = "Kies een wachtwoord van minimaal 8 tekens met een hoofdletter, een kleine letter, een cijfer en een leesteken.";
                    break;
            }
        }
        return Page();
    }
}
