using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace PestWorkflows.Host.Identity;

/// <summary>The pages' "Afmelden" button: ends the session (everywhere, as the API's logout) and goes to the sign-in page.</summary>
public static class SignOutEndpoint
{
    public static IEndpointRouteBuilder MapSignOutPage(this IEndpointRouteBuilder app)
    {
        app.MapPost("/afmelden", async (HttpContext http, SignInManager<StaffUser> signIn, UserManager<StaffUser> users, IAntiforgery antiforgery) =>
        {
            // A cross-site form must not sign people out.
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.Problem(title: "Ongeldig formulier", detail: "Het formulier is verlopen; laad de pagina opnieuw en probeer het nog eens.", statusCode: 400);
            // As POST /api/auth/logout: a new security stamp also ends this person's tokens on other devices.
            if (await users.GetUserAsync(http.User) is { } user) await users.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/inloggen");
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }
}
