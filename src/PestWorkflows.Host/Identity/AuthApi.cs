using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using PestWorkflows.Host.Api;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// Signing in and out: <c>/api/auth</c>. Only what the product uses is mapped (Identity's
/// <c>MapIdentityApi</c> would also let any visitor register; forgot/reset password waits for email).
/// Login follows MapIdentityApi's contract: a bearer token response, or with <c>useCookies=true</c> the cookie.
/// </summary>
public static class AuthApi
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 256;
    public const int MaxTokenLength = 8 * 1024;

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/auth").WithTags("Inloggen").WithRequestBodyLimit(RequestBodyLimits.Auth);
        api.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(Security.RateLimits.SignIn).WithName("Login").WithSummary("Inloggen met e-mailadres en wachtwoord.");
        // Open: the refresh token is its own proof, checked against the account's security stamp.
        api.MapPost("/refresh", Refresh).AllowAnonymous().WithName("RefreshToken").WithSummary("Een nieuw toegangstoken met het vernieuwingstoken.");
        api.MapPost("/logout", Logout).RequireAuthorization(p => p.RequireAuthenticatedUser()).WithName("Logout")
            .WithSummary("Uitloggen: beëindigt de cookie-sessie en maakt vernieuwingstokens ongeldig.");
        var manage = api.MapGroup("/manage").RequireAuthorization(p => p.RequireAuthenticatedUser());
        manage.MapGet("/info", GetInfo).WithName("GetAccountInfo").WithSummary("Je eigen account.");
        manage.MapPost("/info", ChangePassword).WithName("ChangePassword").WithSummary("Je wachtwoord wijzigen.");
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Login(
        HttpContext http, bool? useCookies, bool? useSessionCookies, SignInManager<StaffUser> signIn, IOptions<TwoFactorOptions> twoFactor, CancellationToken ct)
    {
        var (request, errors) = await JsonBody.ReadAsync<LoginRequest>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "De inloggegevens konden niet worden gelezen.");
        errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request!.Email)) errors["email"] = ["Vul je e-mailadres in."];
        else if (request.Email.Length > MaxEmailLength) errors["email"] = [$"Het e-mailadres is te lang (maximaal {MaxEmailLength} tekens)."];
        if (string.IsNullOrEmpty(request.Password)) errors["password"] = ["Vul je wachtwoord in."];
        else if (request.Password.Length > MaxPasswordLength) errors["password"] = [$"Het wachtwoord is te lang (maximaal {MaxPasswordLength} tekens)."];
        if (request.TwoFactorCode?.Length > TwoFactorCodes.MaxLength) errors["twoFactorCode"] = ["De code is te lang."];
        if (request.RecoveryCode?.Length > TwoFactorCodes.MaxLength) errors["recoveryCode"] = ["De herstelcode is te lang."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "De inloggegevens zijn niet volledig.");

        // The password first (with lockout), then the second factor; only then is a token or cookie written.
        var users = signIn.UserManager;
        var user = await users.FindByNameAsync(request.Email!);
        var checkedPassword = user is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        if (checkedPassword.IsLockedOut) return LockedOut();
        if (!checkedPassword.Succeeded || user is null)
            return TypedResults.Problem("Het e-mailadres of het wachtwoord klopt niet.", statusCode: StatusCodes.Status401Unauthorized, title: "Inloggen mislukt");

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.TwoFactorCode) && string.IsNullOrWhiteSpace(request.RecoveryCode))
                return TypedResults.Problem("Dit account logt in met tweestapsverificatie: geef ook de code uit je authenticator-app (twoFactorCode) of een herstelcode (recoveryCode).",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Code nodig");
            var accepted = string.IsNullOrWhiteSpace(request.RecoveryCode)
                ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, TwoFactorCodes.FromApp(request.TwoFactorCode!))
                : (await users.RedeemTwoFactorRecoveryCodeAsync(user, TwoFactorCodes.Recovery(request.RecoveryCode))).Succeeded;
            if (!accepted)
            {
                // A wrong code counts towards the lockout like a wrong password.
                await users.AccessFailedAsync(user);
                if (await users.IsLockedOutAsync(user)) return LockedOut();
                return TypedResults.Problem("De code klopt niet of is al gebruikt. Gebruik de code die je app nu toont, of een herstelcode die je nog niet gebruikte.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Inloggen mislukt");
            }
            await users.ResetAccessFailedCountAsync(user);
        }
        else if ((await users.GetRolesAsync(user)).Any(twoFactor.Value.RequiredRoles.Contains))
        {
            return TypedResults.Problem(
                $"Voor jouw rol is inloggen met tweestapsverificatie verplicht. Log in op de website en stel die in op {TwoFactorRequirement.SetupPath}; geef daarna hier ook de code uit je app mee (twoFactorCode).",
                statusCode: StatusCodes.Status403Forbidden, title: "Tweestapsverificatie instellen");
        }

        signIn.AuthenticationScheme = useCookies == true || useSessionCookies == true ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
        await signIn.SignInAsync(user, isPersistent: useSessionCookies != true, authenticationMethod: user.TwoFactorEnabled ? "mfa" : "pwd");
        return TypedResults.Empty; // the sign-in wrote the token response or the cookie
    }

    private static ProblemHttpResult LockedOut() =>
        TypedResults.Problem("Te veel mislukte pogingen; probeer het later opnieuw.", statusCode: StatusCodes.Status401Unauthorized, title: "Inloggen mislukt");

    private static async Task<Results<SignInHttpResult, ValidationProblem, ProblemHttpResult>> Refresh(
        HttpContext http, SignInManager<StaffUser> signIn, IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider clock, CancellationToken ct)
    {
        var (request, errors) = await JsonBody.ReadAsync<RefreshRequest>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "Het vernieuwingstoken kon niet worden gelezen.");
        if (string.IsNullOrWhiteSpace(request!.RefreshToken) || request.RefreshToken.Length > MaxTokenLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["refreshToken"] = ["Geef een geldig vernieuwingstoken."] });

        var ticket = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(request.RefreshToken);
        // A logout or new password changed the security stamp: the token no longer matches the account.
        if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires
            || await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
            return TypedResults.Problem("Het vernieuwingstoken is verlopen of ingetrokken; log opnieuw in.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Niet ingelogd");
        return TypedResults.SignIn(await signIn.CreateUserPrincipalAsync(user), authenticationScheme: IdentityConstants.BearerScheme);
    }

    /// <summary>Ends the cookie session and, by changing the security stamp, every refresh token and
    /// bearer token of this person (on every device).</summary>
    private static async Task<NoContent> Logout(HttpContext http, UserManager<StaffUser> users)
    {
        if (await users.GetUserAsync(http.User) is { } user) await users.UpdateSecurityStampAsync(user);
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AccountInfo>, UnauthorizedHttpResult>> GetInfo(HttpContext http, UserManager<StaffUser> users, StaffAccessor accessor)
    {
        if (await users.GetUserAsync(http.User) is not { } user || await accessor.ResolveAsync(http.User) is not { } account)
            return TypedResults.Unauthorized();
        return TypedResults.Ok(new AccountInfo(user.Email ?? "", user.EmailConfirmed, user.DisplayName, user.SchoolId, account.Roles.Order().ToList()));
    }

    /// <summary>Changes the password. The new security stamp ends every other session; a cookie session goes on with a fresh cookie.</summary>
    private static async Task<Results<Ok<AccountInfo>, ValidationProblem, UnauthorizedHttpResult>> ChangePassword(
        HttpContext http, UserManager<StaffUser> users, SignInManager<StaffUser> signIn, StaffAccessor accessor, CancellationToken ct)
    {
        var (request, errors) = await JsonBody.ReadAsync<ChangePasswordRequest>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "De aanvraag kon niet worden gelezen.");
        errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request!.OldPassword)) errors["oldPassword"] = ["Vul je huidige wachtwoord in."];
        else if (request.OldPassword.Length > MaxPasswordLength) errors["oldPassword"] = [$"Het wachtwoord is te lang (maximaal {MaxPasswordLength} tekens)."];
        if (string.IsNullOrEmpty(request.NewPassword)) errors["newPassword"] = ["Vul een nieuw wachtwoord in."];
        else if (request.NewPassword.Length > MaxPasswordLength) errors["newPassword"] = [$"Het wachtwoord is te lang (maximaal {MaxPasswordLength} tekens)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Het wachtwoord is niet gewijzigd.");
        if (await users.GetUserAsync(http.User) is not { } user) return TypedResults.Unauthorized();

        var changed = await users.ChangePasswordAsync(user, request.OldPassword!, request.NewPassword!);
        if (!changed.Succeeded)
        {
            var wrongOld = changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
            return TypedResults.ValidationProblem(wrongOld
                ? new Dictionary<string, string[]> { ["oldPassword"] = ["Je huidige wachtwoord klopt niet."] }
                : new Dictionary<string, string[]> { ["newPassword"] = ["Kies een wachtwoord van minimaal 8 tekens met een hoofdletter, een kleine letter, een cijfer en een leesteken."] },
                title: "Het wachtwoord is niet gewijzigd.");
        }
        if (http.User.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme) await signIn.RefreshSignInAsync(user);
        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new AccountInfo(user.Email ?? "", user.EmailConfirmed, user.DisplayName, user.SchoolId, roles.Order().ToList()));
    }
}
