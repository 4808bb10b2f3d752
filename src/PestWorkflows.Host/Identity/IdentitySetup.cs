using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
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
        services.AddScoped<StaffAccessor>();
        services.AddScoped<IClaimsTransformation, StaffClaimsTransformation>();
        return services;
    }

    /// <summary>A signed-in staff member of a school with at least one role (roles as the database has them now).</summary>
    private static AuthorizationPolicyBuilder StaffPolicy() =>
        new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireClaim(StaffClaimsTransformation.SchoolClaim)
            .RequireAssertion(context => context.User.Identities.Any(i => i.IsAuthenticated && i.Claims.Any(c => c.Type == i.RoleClaimType)));

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
}
