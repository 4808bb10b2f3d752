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
        api.MapPost("/login", Login).AllowAnonymous().WithName("Login").WithSummary("Inloggen met e-mailadres en wachtwoord.");
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
        HttpContext http, bool? useCookies, bool? useSessionCookies, SignInManager<StaffUser> signIn, CancellationToken ct)
    {
        var (request, errors) = await JsonBody.ReadAsync<LoginRequest>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "De inloggegevens konden niet worden gelezen.");
        errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request!.Email)) errors["email"] = ["Vul je e-mailadres in."];
        else if (request.Email.Length > MaxEmailLength) errors["email"] = [$"Het e-mailadres is te lang (maximaal {MaxEmailLength} tekens)."];
        if (string.IsNullOrEmpty(request.Password)) errors["password"] = ["Vul je wachtwoord in."];
        else if (request.Password.Length > MaxPasswordLength) errors["password"] = [$"Het wachtwoord is te lang (maximaal {MaxPasswordLength} tekens)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "De inloggegevens zijn niet volledig.");

        var cookies = useCookies == true || useSessionCookies == true;
        signIn.AuthenticationScheme = cookies ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
        var result = await signIn.PasswordSignInAsync(request.Email!, request.Password!, isPersistent: useSessionCookies != true, lockoutOnFailure: true);
        if (result.Succeeded) return TypedResults.Empty; // the sign-in wrote the token response or the cookie
        return TypedResults.Problem(
            result.IsLockedOut ? "Te veel mislukte pogingen; probeer het later opnieuw." : "Het e-mailadres of het wachtwoord klopt niet.",
            statusCode: StatusCodes.Status401Unauthorized, title: "Inloggen mislukt");
    }

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
