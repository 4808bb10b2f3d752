using PestWorkflows.Activities.Tasks;

namespace PestWorkflows.Host.Shared;

/// <summary>Staff roles as a person reads them.</summary>
public static class RoleLabels
{
    public static string? Dutch(string? role) => role switch
    {
        null => null,
        StaffRoles.Coordinator => "anti-pestcoördinator",
        StaffRoles.Teacher => "leerkrachten",
        StaffRoles.Leader => "directie",
        StaffRoles.Admin => "beheer",
        StaffRoles.Reporter => "melder",
        _ => role,
    };
}
