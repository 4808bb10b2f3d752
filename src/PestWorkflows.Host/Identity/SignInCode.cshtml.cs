using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PestWorkflows.Host.Security;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// The second step of signing in for an account with two-factor sign-in: the code from the
/// authenticator app, or a recovery code (each works once). The password step left Identity's
/// short-lived two-factor cookie; without it this page sends the person back to the first step.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimits.SignIn)]
public sealed class SignInCodeModel(SignInManager<StaffUser> signIn) : PageModel
{
    public const string Path = "/inloggen/code";

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public string? RecoveryCode { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? LocalRedirect(StaffPages.SignInPath) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null) return LocalRedirect(StaffPages.SignInPath);
        if (string.IsNullOrWhiteSpace(Code) && string.IsNullOrWhiteSpace(RecoveryCode))
        {
            Error = "Vul de code uit je app in, of een herstelcode.";
            return Page();
        }
        if (Code?.Length > TwoFactorCodes.MaxLength || RecoveryCode?.Length > TwoFactorCodes.MaxLength)
        {
            Error = "Deze code is te lang.";
            return Page();
        }
        var result = string.IsNullOrWhiteSpace(RecoveryCode)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(TwoFactorCodes.FromApp(Code!), isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(TwoFactorCodes.Recovery(RecoveryCode));
        if (result.Succeeded) return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        Error = result.IsLockedOut
            ? "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het over een kwartier opnieuw."
            : "Deze code klopt niet of is al gebruikt. Vul de code in die je app nu toont.";
        return Page();
    }
}
