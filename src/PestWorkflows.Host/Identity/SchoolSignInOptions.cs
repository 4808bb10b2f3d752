using System.Net;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// <c>Authentication:Oidc</c>: signing in through the school's own identity provider (OpenID Connect:
/// Microsoft Entra ID, Google Workspace) next to the password. Without <see cref="Authority"/> there is
/// no button and no handler. The provider never makes an account or gives a role: it only proves an
/// email address, which must belong to a staff account the school already has.
/// </summary>
public sealed class SchoolSignInOptions
{
    public const string Section = "Authentication:Oidc";

    /// <summary>The provider's issuer, e.g. <c>https://login.microsoftonline.com/{tenant-id}/v2.0</c> or <c>https://accounts.google.com</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Optional: a provider that knows this client as a public one (PKCE only) needs none.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The button's text on the sign-in page.</summary>
    public string DisplayName { get; set; } = "Inloggen met je schoolaccount";

    /// <summary>Space- or comma-separated; <c>openid</c> is always asked for.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>
    /// Only an email the provider marks as verified (<c>email_verified</c>, or Entra ID's optional claim
    /// <c>xms_edov</c>) finds an account. Turn off only for a single-tenant Entra ID authority whose
    /// accounts are all the school's own.
    /// </summary>
    public bool RequireVerifiedEmail { get; set; } = true;

    /// <summary>
    /// The provider's sign-in counts as two-factor sign-in (the school enforces MFA there): no code from our
    /// authenticator app afterwards, and <c>Identity:TwoFactorRequiredRoles</c> is met by signing in this way.
    /// Off: after the provider the code page asks for our app's code, exactly as after a password.
    /// </summary>
    public bool SatisfiesTwoFactor { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IReadOnlyList<string> ScopeList =>
        new[] { "openid" }.Concat(Scopes.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Settings that could never work stop the start with the reason, as the SMTP settings do.</summary>
    public void Validate()
    {
        if (!Enabled) return;
        if (!Uri.TryCreate(Authority!.Trim(), UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
            throw new InvalidOperationException($"{Section}:Authority is '{Authority}', which is no https address of an identity provider.");
        // The provider's keys and tokens come over this address; plain HTTP only to a provider on this machine.
        if (authority.Scheme == Uri.UriSchemeHttp && !IsLoopback(authority))
            throw new InvalidOperationException($"{Section}:Authority must use https ('{Authority}').");
        if (string.IsNullOrWhiteSpace(ClientId))
            throw new InvalidOperationException($"{Section}:ClientId is missing: register PestWorkflows with the identity provider and set the client (application) id it gives.");
        // Any Microsoft tenant signs in through these, and their issuer is no single tenant's: an email from
        // another organisation's tenant must never open a school's account.
        var firstSegment = authority.AbsolutePath.Trim('/').Split('/')[0];
        if (authority.Host.EndsWith("microsoftonline.com", StringComparison.OrdinalIgnoreCase)
            && firstSegment is "common" or "organizations" or "consumers")
            throw new InvalidOperationException(
                $"{Section}:Authority names '{firstSegment}', which lets any Microsoft tenant sign in. Use the school's own tenant: https://login.microsoftonline.com/<tenant-id>/v2.0.");
        if (string.IsNullOrWhiteSpace(DisplayName))
            throw new InvalidOperationException($"{Section}:DisplayName is empty; it is the button's text, e.g. 'Inloggen met Microsoft'.");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
