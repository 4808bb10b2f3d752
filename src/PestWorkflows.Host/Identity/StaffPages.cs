using Microsoft.AspNetCore.Identity;
using PestWorkflows.Activities.Tasks;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// The server-rendered pages (Razor Pages, kept in the feature folders: every page names its own
/// route) and how they authenticate: the Identity cookie, with a person who is not signed in sent
/// to <c>/inloggen</c> and back.
/// </summary>
public static class StaffPages
{
    public const string SignInPath = "/inloggen";
    public const string AccessDeniedPath = "/geen-toegang";

    public static IServiceCollection AddStaffPages(this IServiceCollection services)
    {
        services.AddRazorPages(o => o.RootDirectory = "/");
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = SignInPath;
            o.AccessDeniedPath = AccessDeniedPath;
            o.ReturnUrlParameter = "ReturnUrl";
        });
        services.AddAuthorizationBuilder()
            // Pages challenge with the cookie (a redirect to the sign-in page), not with a bare 401.
            .AddPolicy(Policies.SignedInPage, p => p
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireAuthenticatedUser())
            .AddPolicy(Policies.DesignerPage, p => p
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
                .RequireRole(StaffRoles.Coordinator, StaffRoles.Admin));
        return services;
    }

    public static WebApplication MapStaffPages(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapSignOutPage();
        return app;
    }
}
