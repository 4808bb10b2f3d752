using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// Replaces the roles a token or cookie carries with the roles the database has now, and adds the
/// school, so that a role taken away counts from the person's next request. A token of an account
/// that no longer exists, or whose security stamp changed (logout, new password), is not a
/// signed-in person any more.
/// </summary>
public sealed class StaffClaimsTransformation(StaffAccessor accessor) : IClaimsTransformation
{
    /// <summary>The school of the signed-in staff member; absent for an account without one.</summary>
    public const string SchoolClaim = "pestworkflows:school";

    private const string ResolvedClaim = "pestworkflows:resolved";

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        // Runs once per authenticate call; a principal resolved earlier in the request is kept.
        if (principal.Identity?.IsAuthenticated != true || principal.HasClaim(c => c.Type == ResolvedClaim)) return principal;
        // Identity's short-lived cookie between password and code names the account but signs nobody in;
        // SignInManager reads it as it is.
        if (principal.Identity.AuthenticationType == Microsoft.AspNetCore.Identity.IdentityConstants.TwoFactorUserIdScheme) return principal;
        // The school's identity provider's answer (the external cookie): its "sub" is the provider's, no account id.
        if (principal.Identity.AuthenticationType == SchoolSignIn.Scheme) return principal;
        var account = await accessor.ResolveAsync(principal);
        if (account is null) return new ClaimsPrincipal(new ClaimsIdentity());

        var source = (ClaimsIdentity)principal.Identity;
        var identity = new ClaimsIdentity(
            source.Claims.Where(c => c.Type != source.RoleClaimType && c.Type != SchoolClaim),
            source.AuthenticationType, source.NameClaimType, source.RoleClaimType);
        identity.AddClaims(account.Roles.Select(role => new Claim(source.RoleClaimType, role)));
        if (account.SchoolId.Length > 0) identity.AddClaim(new Claim(SchoolClaim, account.SchoolId));
        identity.AddClaim(new Claim(ResolvedClaim, "true"));
        return new ClaimsPrincipal(identity);
    }
}
