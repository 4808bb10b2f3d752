using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// Where the school's identity provider sends a person back (by way of the handler at
/// <see cref="SchoolSignIn.CallbackPath"/>). An identity linked before signs in; otherwise the provider's
/// verified email must be that of a staff account the school already has, and that account is linked
/// (Identity's user logins). The provider never makes an account or gives a role. Then, as after a
/// password: the code page when two-factor sign-in applies, else the page the person came for.
/// </summary>
[AllowAnonymous]
public sealed class ExternalSignInModel(
    SignInManager<StaffUser> signIn, UserManager<StaffUser> users, AppDbContext db,
    IOptions<SchoolSignInOptions> options, ILogger<ExternalSignInModel> logger) : PageModel
{
    public const string Path = "/inloggen/extern";
    public const string PageName = "/Identity/ExternalSignIn";

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    /// <summary>Signed in: where the page goes on to.</summary>
    public string? ContinueTo { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var settings = options.Value;
        if (await signIn.GetExternalLoginInfoAsync() is not { } login)
            return await RefuseAsync("Inloggen via je school is niet gelukt of afgebroken. Probeer het opnieuw, of log in met je e-mailadres en wachtwoord.");

        if (await users.FindByLoginAsync(login.LoginProvider, login.ProviderKey) is null)
        {
            // Not linked yet: the first sign-in through the provider links the account with that email.
            var (account, refusal) = await FindAccountAsync(login.Principal, settings, ct);
            if (account is null) return await RefuseAsync(refusal!);
            // (Identity renews the account's security stamp here: its other sessions end once, at linking.)
            var linked = await users.AddLoginAsync(account, new UserLoginInfo(login.LoginProvider, login.ProviderKey, login.ProviderDisplayName));
            if (!linked.Succeeded)
            {
                logger.LogWarning("Linking account {UserId} to its identity at the school's provider failed: {Errors}", account.Id, string.Join("; ", linked.Errors.Select(e => e.Code)));
                return await RefuseAsync("Je account kon niet aan je schoolaccount worden gekoppeld. Probeer het opnieuw, of log in met je e-mailadres en wachtwoord.");
            }
            logger.LogInformation("Account {UserId} linked to its identity at the school's provider", account.Id);
        }
        var result = await signIn.ExternalLoginSignInAsync(login.LoginProvider, login.ProviderKey, isPersistent: false, bypassTwoFactor: settings.SatisfiesTwoFactor);

        var returnUrl = SchoolSignIn.LocalOrHome(ReturnUrl);
        if (result.RequiresTwoFactor) return LocalRedirect($"{SignInCodeModel.Path}?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        if (result.Succeeded)
        {
            // A page that goes on by itself rather than a redirect: the session cookie is SameSite=Strict, and a
            // browser leaves it off every request of a redirect chain that began at the provider's site.
            ContinueTo = returnUrl;
            return Page();
        }
        return await RefuseAsync(result.IsLockedOut
            ? "Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het over een kwartier opnieuw."
            : "Dit account mag nu niet inloggen. Vraag de beheerder van PestWorkflows op je school om hulp.");
    }

    private async Task<(StaffUser? Account, string? Refusal)> FindAccountAsync(ClaimsPrincipal principal, SchoolSignInOptions settings, CancellationToken ct)
    {
        var email = principal.FindFirstValue(ClaimTypes.Email) ?? principal.FindFirstValue("email");
        if (string.IsNullOrWhiteSpace(email))
        {
            logger.LogWarning("Sign-in through the school's provider refused: the provider sent no email address");
            return (null, "Je school gaf geen e-mailadres door, dus PestWorkflows weet niet welk account van jou is. Vraag de beheerder van je school om het e-mailadres mee te sturen, of log in met je wachtwoord.");
        }
        if (settings.RequireVerifiedEmail && !IsTrue(principal, "email_verified") && !IsTrue(principal, "xms_edov"))
        {
            logger.LogWarning("Sign-in through the school's provider refused: the email address is not marked as verified");
            return (null, $"Je school gaf {email} niet door als bevestigd e-mailadres, dus PestWorkflows koppelt het niet aan een account. Log in met je wachtwoord, of vraag de beheerder van je school om hulp.");
        }
        var account = await users.FindByEmailAsync(email.Trim());
        // Only a staff member of a school: the provider's word opens an account the school made, never more.
        if (account is null || await StaffAccessor.LoadAsync(db, account.Id, null, ct) is not { IsStaffMember: true })
        {
            logger.LogWarning("Sign-in through the school's provider refused: no staff account has the verified email address");
            return (null, $"Er is geen PestWorkflows-account voor {email}. Inloggen via je school werkt alleen met het account dat je school voor je heeft aangemaakt, met hetzelfde e-mailadres. Vraag de beheerder van PestWorkflows op je school om een account.");
        }
        return (account, null);
    }

    private static bool IsTrue(ClaimsPrincipal principal, string claim) =>
        string.Equals(principal.FindFirstValue(claim), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The provider's answer is used up: the next attempt starts from the provider again.</summary>
    private async Task<IActionResult> RefuseAsync(string error)
    {
        Error = error;
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        return Page();
    }
}
