using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Identity;

/// <summary>The signed-in staff member: who, which school, which roles.</summary>
public sealed record Staff(string Id, string SchoolId, string DisplayName, IReadOnlySet<string> Roles)
{
    public bool IsCoordinator => Roles.Contains(StaffRoles.Coordinator);
    public bool IsLeader => Roles.Contains(StaffRoles.Leader);
    public bool IsAdmin => Roles.Contains(StaffRoles.Admin);

    /// <summary>Coordinators, leaders and admins see every case of their school; others only their own.</summary>
    public bool SeesAllCasesOfSchool => IsCoordinator || IsLeader || IsAdmin;

    /// <summary>Coordinators and leaders may hand tasks to someone else.</summary>
    public bool MayAssignTasks => IsCoordinator || IsLeader || IsAdmin;
}

/// <summary>Reads the staff member behind a request, once per request.</summary>
public sealed class StaffAccessor(UserManager<StaffUser> users, AppDbContext db)
{
    private Staff? _current;

    public async Task<Staff?> GetAsync(ClaimsPrincipal principal)
    {
        if (_current is not null) return _current;
        var id = users.GetUserId(principal);
        if (id is null) return null;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id);
        if (user is null) return null;
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == id select r.Name!).ToListAsync();
        return _current = new Staff(user.Id, user.SchoolId, user.DisplayName, roles.ToHashSet());
    }
}
