using Microsoft.Extensions.Options;
using PestWorkflows.Host.Api;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// A staff member whose role requires two-factor sign-in and who has not set it up can do nothing but
/// set it up (or sign out): pages send them to <see cref="SetupPath"/>, the API answers 403. Checked on
/// every request, so a role given later counts at once, also for a token issued before.
/// </summary>
public static class TwoFactorRequirement
{
    public const string SetupPath = "/tweestapsverificatie";

    private static readonly string[] OpenPaths = [SetupPath, "/afmelden", "/api/auth/logout", "/health"];

    public static IApplicationBuilder UseTwoFactorRequirement(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true && !OpenPaths.Any(p => context.Request.Path.StartsWithSegments(p))
                && await context.RequestServices.GetRequiredService<StaffAccessor>().GetAsync(context.User) is { TwoFactorEnabled: false } staff
                && context.RequestServices.GetRequiredService<IOptions<TwoFactorOptions>>().Value.IsRequiredFor(staff)
                && !SchoolProviderCountsAsTwoFactor(context))
            {
                if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/elsa/api"))
                    await TypedResults.Problem(Problems.Forbidden(
                        $"Voor jouw rol is inloggen met tweestapsverificatie verplicht. Stel die eerst in op {SetupPath} (log daar in op de website).")).ExecuteAsync(context);
                else
                    context.Response.Redirect(SetupPath);
                return;
            }
            await next(context);
        });

    /// <summary>Signed in through the school's identity provider, whose MFA the school says counts (<c>Authentication:Oidc:SatisfiesTwoFactor</c>).</summary>
    private static bool SchoolProviderCountsAsTwoFactor(HttpContext context) =>
        SchoolSignIn.SignedInThroughProvider(context.User)
        && context.RequestServices.GetRequiredService<IOptions<SchoolSignInOptions>>().Value.SatisfiesTwoFactor;
}
