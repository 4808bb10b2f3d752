using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using QRCoder;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// <c>/tweestapsverificatie</c>: sets up sign-in with an authenticator app (TOTP). Shows the key
/// (grouped, and as otpauth link and QR code), turns it on once a code from the app is confirmed, and
/// shows the recovery codes once. A person whose role requires it is sent here until it is done
/// (<see cref="TwoFactorRequirement"/>).
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class TwoFactorSetupModel(UserManager<StaffUser> users, SignInManager<StaffUser> signIn, IOptions<TwoFactorOptions> options) : StaffPageModel
{
    private const string Issuer = "PestWorkflows";

    [BindProperty] public string? Code { get; set; }

    public bool Required { get; private set; }
    public bool AlreadyEnabled { get; private set; }
    public string SharedKey { get; private set; } = "";
    public string AuthenticatorUri { get; private set; } = "";
    public string? QrCodeDataUri { get; private set; }
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return LocalRedirect(StaffPages.SignInPath);
        await ShowKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await users.GetUserAsync(User) is not { } user) return LocalRedirect(StaffPages.SignInPath);
        if (user.TwoFactorEnabled) return RedirectToPage();
        var code = Code is { Length: <= TwoFactorCodes.MaxLength } typed ? TwoFactorCodes.FromApp(typed) : "";
        if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            Error = "Deze code klopt niet. Controleer of de tijd op je telefoon goed staat en vul de code in die de app nu toont.";
            await ShowKeyAsync(user);
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, TwoFactorCodes.RecoveryCodeCount))?.ToList() ?? [];
        // Turning it on changed the security stamp, which ends every session; this one goes on with a new cookie.
        await signIn.RefreshSignInAsync(user);
        return Page();
    }

    private async Task ShowKeyAsync(StaffUser user)
    {
        Required = options.Value.IsRequiredFor(Staff);
        AlreadyEnabled = user.TwoFactorEnabled;
        if (AlreadyEnabled) return;
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user) ?? "";
            // A new key changes the security stamp as well.
            await signIn.RefreshSignInAsync(user);
        }
        SharedKey = Grouped(key);
        AuthenticatorUri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(user.Email ?? user.Id)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(AuthenticatorUri, QRCodeGenerator.ECCLevel.Q);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    /// <summary>Groups of four, lower case, as authenticator apps show them and people type them.</summary>
    private static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
            text.Append(text.Length > 0 ? " " : "").Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        return text.ToString().ToLowerInvariant();
    }
}
