using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PestWorkflows.Host.Security;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// Signing in through the school's identity provider (OpenID Connect, authorization code with PKCE),
/// only when <see cref="SchoolSignInOptions.Authority"/> is set. The provider's answer lands in
/// Identity's short-lived external cookie; <see cref="ExternalSignInModel"/> turns it into a staff
/// session (or the code page) through Identity's user logins.
/// </summary>
public static class SchoolSignIn
{
    /// <summary>The scheme, and the login provider name kept in <c>AspNetUserLogins</c>: never rename it, links would be lost.</summary>
    public const string Scheme = "oidc";

    /// <summary>The redirect URI to register with the provider: https://(host)/signin-oidc.</summary>
    public const string CallbackPath = "/signin-oidc";

    public const string StartPath = "/inloggen/extern/start";

    public static IServiceCollection AddSchoolSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(SchoolSignInOptions.Section).Get<SchoolSignInOptions>() ?? new SchoolSignInOptions();
        settings.Validate();
        services.AddOptions<SchoolSignInOptions>().BindConfiguration(SchoolSignInOptions.Section);
        if (!settings.Enabled)
        {
            // No settings, nothing changes: the return page has no route either.
            // PostConfigure: AddRazorPages (later) gives the options a fresh convention collection.
            services.PostConfigure<RazorPagesOptions>(o => o.Conventions.AddPageRouteModelConvention(ExternalSignInModel.PageName, page => page.Selectors.Clear()));
            return services;
        }

        services.AddAuthentication().AddOpenIdConnect(Scheme, settings.DisplayName, o =>
        {
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.Authority = settings.Authority!.Trim();
            o.ClientId = settings.ClientId;
            o.ClientSecret = string.IsNullOrWhiteSpace(settings.ClientSecret) ? null : settings.ClientSecret;
            o.RequireHttpsMetadata = new Uri(o.Authority).Scheme == Uri.UriSchemeHttps; // http only on loopback (Validate)
            o.ResponseType = OpenIdConnectResponseType.Code;
            // The code comes back as a top-level GET, which Entra ID and Google both support; a form_post
            // would be a cross-site POST.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            // So the handler's state cookies can be Lax (sent on that GET) instead of SameSite=None, which a browser
            // takes only when Secure: `dotnet run` over plain HTTP keeps working, HTTPS still marks them Secure.
            foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
            o.UsePkce = true;
            o.CallbackPath = CallbackPath;
            o.Scope.Clear();
            foreach (var scope in settings.ScopeList) o.Scope.Add(scope);
            // The id_token carries what is needed (sub, email, email_verified); nothing is kept.
            o.GetClaimsFromUserInfoEndpoint = false;
            o.SaveTokens = false;
            // Marks the provider's identity, so StaffClaimsTransformation leaves it alone: its "sub" is no account id.
            o.TokenValidationParameters.AuthenticationType = Scheme;
            o.Events.OnRemoteFailure = context =>
            {
                // Wrong signature, nonce, state, a cancelled sign-in at the provider: a Dutch page, never a 500.
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchoolSignIn).FullName!)
                    .LogWarning("Sign-in through the identity provider failed: {Reason}", context.Failure?.Message);
                context.Response.Redirect(ExternalSignInModel.Path + "?mislukt=1");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>
    /// The button on the sign-in page is a link here (a GET): a form posting to the provider would need the
    /// provider in the page's CSP form-action (and every host it redirects through). Counted by the sign-in
    /// rate limit. A stranger sending someone here achieves nothing: the provider signs in whoever is at the keyboard.
    /// </summary>
    public static IEndpointRouteBuilder MapSchoolSignIn(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<SchoolSignInOptions>>().Value.Enabled) return app;
        app.MapGet(StartPath, (string? returnUrl, SignInManager<StaffUser> signIn) =>
            {
                var back = $"{ExternalSignInModel.Path}?ReturnUrl={Uri.EscapeDataString(LocalOrHome(returnUrl))}";
                return Results.Challenge(signIn.ConfigureExternalAuthenticationProperties(Scheme, back), [Scheme]);
            })
            .AllowAnonymous().RequireRateLimiting(RateLimits.SchoolSignIn).ExcludeFromDescription();
        return app;
    }

    /// <summary>The provider's answer goes to the authentication handler, which has no endpoint.</summary>
    public static bool IsCallback(HttpContext context) =>
        context.Request.Path.Equals(CallbackPath, StringComparison.OrdinalIgnoreCase)
        && context.RequestServices.GetRequiredService<IOptions<SchoolSignInOptions>>().Value.Enabled;

    /// <summary>Whether this session was signed in through the provider (Identity keeps the provider as the authentication method).</summary>
    public static bool SignedInThroughProvider(ClaimsPrincipal principal) =>
        principal.HasClaim(ClaimTypes.AuthenticationMethod, Scheme);

    /// <summary>A path on this host, else the start page: nobody is sent elsewhere after signing in.</summary>
    public static string LocalOrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
