using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Identity;

public static class IdentitySetup
{
    /// <summary>Local accounts with roles; bearer tokens for API clients and cookies for the pages
    /// (AddIdentityApiEndpoints makes the combined bearer-and-cookie scheme the default). Accounts are
    /// made by the school, so no route creates one (see <see cref="AuthApi"/>).</summary>
    public static IServiceCollection AddStaffIdentity(this IServiceCollection services)
    {
        var staff = StaffPolicy().Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Staff, staff)
            .AddPolicy(Policies.Designer, StaffPolicy().RequireRole(StaffRoles.Coordinator, StaffRoles.Admin).Build())
            // An endpoint that says nothing is for staff only; the few open ones say AllowAnonymous.
            .SetFallbackPolicy(staff);
        services.AddIdentityApiEndpoints<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            // A school day; no sliding renewal, so the cookie is only ever written at sign-in and sign-out.
            o.ExpireTimeSpan = SessionLifetime;
            o.SlidingExpiration = false;
            o.Events.OnSigningIn = context =>
            {
                // Identity's security-stamp check would otherwise re-issue the cookie every 30 minutes with a
                // fresh 8 hours; roles and stamp are checked on every request instead (StaffClaimsTransformation).
                context.Properties.AllowRefresh = false;
                return AllowPlainHttpOnLoopbackInDevelopment(context.HttpContext, context.CookieOptions);
            };
            o.Events.OnSigningOut = context => AllowPlainHttpOnLoopbackInDevelopment(context.HttpContext, context.CookieOptions);
        });
        // A refresh token does not stretch a session beyond the cookie's lifetime.
        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, o => o.RefreshTokenExpiration = SessionLifetime);
        // Keys in the database: cookies and tokens stay valid across restarts and on every host sharing the
        // database. One application name, so hosts installed in different folders share them too.
        services.AddDataProtection().SetApplicationName("PestWorkflows").PersistKeysToDbContext<AppDbContext>();
        services.AddOptions<TwoFactorOptions>()
            .Configure<IConfiguration>((o, configuration) => o.RequiredRoles = TwoFactorOptions.Parse(configuration[TwoFactorOptions.ConfigurationKey]))
            .ValidateOnStart();
        services.AddScoped<StaffAccessor>();
        services.AddScoped<IClaimsTransformation, StaffClaimsTransformation>();
        return services;
    }

    /// <summary>How long a cookie session (and a refresh token) lasts.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>
    /// The cookie is Secure everywhere except `dotnet run` on this machine: Development, plain HTTP and
    /// a loopback caller, where a browser would otherwise drop it.
    /// </summary>
    private static Task AllowPlainHttpOnLoopbackInDevelopment(HttpContext http, CookieOptions cookie)
    {
        if (!http.Request.IsHttps && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
            && http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
            cookie.Secure = false;
        return Task.CompletedTask;
    }

    /// <summary>A signed-in staff member of a school with at least one role (roles as the database has them now).</summary>
    private static AuthorizationPolicyBuilder StaffPolicy() =>
        new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireClaim(StaffClaimsTransformation.SchoolClaim)
            .RequireAssertion(context => context.User.Identities.Any(i => i.IsAuthenticated && i.Claims.Any(c => c.Type == i.RoleClaimType)));

    /// <summary>
    /// Authentication, where a token or cookie that <see cref="StaffClaimsTransformation"/> found
    /// revoked (account gone, security stamp changed) counts as no sign-in at all: a 401, not a 403.
    /// The handlers call such a ticket a success; authorization would otherwise take that at its word.
    /// </summary>
    public static IApplicationBuilder UseStaffAuthentication(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        return app.Use((context, next) =>
        {
            if (context.Features.Get<IAuthenticateResultFeature>() is { AuthenticateResult.Succeeded: true } feature
                && context.User.Identity?.IsAuthenticated != true)
            {
                feature.AuthenticateResult = AuthenticateResult.NoResult();
                context.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
            return next(context);
        });
    }

    public static IEndpointRouteBuilder MapStaffIdentity(this IEndpointRouteBuilder app)
    {
        app.MapAuthApi();
        return app;
    }
}

public static class Policies
{
    /// <summary>A signed-in staff member of a school with a role.</summary>
    public const string Staff = "staff";
    /// <summary>May edit workflow definitions: coordinators and admins.</summary>
    public const string Designer = "designer";
    /// <summary>The designer's pages: as <see cref="Designer"/>, signed in with the cookie.</summary>
    public const string DesignerPage = "designer-page";
    /// <summary>A page for any signed-in staff member (cookie).</summary>
    public const string SignedInPage = "signed-in-page";
}
