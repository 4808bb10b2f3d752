using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// The signed-in staff member: who, which school, which roles. An endpoint takes it as a parameter
/// (<see cref="BindAsync"/>), a page from <see cref="StaffPageModel"/>; what they may do is in Access/AccessRules.
/// </summary>
public sealed record Staff(string Id, string SchoolId, string DisplayName, IReadOnlySet<string> Roles)
{
    /// <summary>
    /// Minimal API binding, from <see cref="StaffAccessor"/> (read once per request). Endpoints that take a
    /// <see cref="Staff"/> require <see cref="Policies.Staff"/>, which lets no request without one through;
    /// should one slip by anyway, binding fails with a 400 rather than running the handler without a person.
    /// </summary>
    public static async ValueTask<Staff?> BindAsync(HttpContext context) =>
        await context.RequestServices.GetRequiredService<StaffAccessor>().GetAsync(context.User);

    public bool IsCoordinator => Roles.Contains(StaffRoles.Coordinator);
    public bool IsLeader => Roles.Contains(StaffRoles.Leader);
    public bool IsAdmin => Roles.Contains(StaffRoles.Admin);

    /// <summary>Signs in with a code from an authenticator app after the password.</summary>
    public bool TwoFactorEnabled { get; init; }

    /// <summary>A staff member belongs to a school and has a role there.</summary>
    public bool IsStaffMember => SchoolId.Length > 0 && Roles.Count > 0;
}

/// <summary>Reads the account behind a request from the database, once per request.</summary>
public sealed class StaffAccessor(AppDbContext db, IOptions<IdentityOptions> identityOptions)
{
    private string? _resolvedFor;
    private Staff? _account;

    /// <summary>
    /// An account with its school and roles as the database has it now; null when it does not exist
    /// or, given a <paramref name="securityStamp"/>, when the stamp changed (logout, new password).
    /// Works on any context, also one on a workflow step's transaction.
    /// </summary>
    public static async Task<Staff?> LoadAsync(AppDbContext db, string userId, string? securityStamp, CancellationToken ct)
    {
        // Every request reads this: the account and its roles in one round trip.
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new
            {
                u.Id, u.SchoolId, u.DisplayName, u.SecurityStamp, u.TwoFactorEnabled,
                Roles = (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name!).ToList(),
            }).FirstOrDefaultAsync(ct);
        if (user is null || (securityStamp is not null && securityStamp != user.SecurityStamp)) return null;
        return new Staff(user.Id, user.SchoolId, user.DisplayName, user.Roles.ToHashSet()) { TwoFactorEnabled = user.TwoFactorEnabled };
    }

    /// <summary>The staff member behind the request; null when not signed in, or not a staff member of a school with a role.</summary>
    public async Task<Staff?> GetAsync(ClaimsPrincipal principal) =>
        await ResolveAsync(principal) is { IsStaffMember: true } staff ? staff : null;

    /// <summary>
    /// The account behind a token or cookie as the database has it now (school and roles may be
    /// empty); null when the account is gone or its security stamp changed since the token was issued.
    /// </summary>
    public async Task<Staff?> ResolveAsync(ClaimsPrincipal principal)
    {
        var claims = identityOptions.Value.ClaimsIdentity;
        var id = principal.FindFirstValue(claims.UserIdClaimType);
        if (id is null) return null;
        if (_resolvedFor == id) return _account;

        var stamp = principal.FindFirstValue(claims.SecurityStampClaimType);
        // The request's first query: the connection stays open for the rest of it (the context closes it when
        // the request ends). Opened and closed around each query, SQLite had EF's SQL functions registered and
        // removed again every time, for each of the request's queries.
        await db.Database.OpenConnectionAsync();
        var account = await LoadAsync(db, id, stamp, CancellationToken.None);
        _resolvedFor = id;
        return _account = account;
    }
}
