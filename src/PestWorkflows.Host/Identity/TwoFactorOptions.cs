using PestWorkflows.Activities.Tasks;

namespace PestWorkflows.Host.Identity;

/// <summary>
/// Who must sign in with an authenticator app: <c>Identity:TwoFactorRequiredRoles</c>, a comma-separated
/// list of roles (default Coordinator, Leader, Admin: they see every case of the school); an empty
/// value requires it of nobody. Everyone else may turn it on for themselves.
/// </summary>
public sealed class TwoFactorOptions
{
    public const string ConfigurationKey = "Identity:TwoFactorRequiredRoles";

    public static readonly IReadOnlySet<string> DefaultRequiredRoles = new HashSet<string> { StaffRoles.Coordinator, StaffRoles.Leader, StaffRoles.Admin };

    public IReadOnlySet<string> RequiredRoles { get; set; } = DefaultRequiredRoles;

    public bool IsRequiredFor(Staff staff) => staff.Roles.Any(RequiredRoles.Contains);

    /// <summary>Reads the setting; an unknown role stops the start, so a typo never silently drops the requirement.</summary>
    public static IReadOnlySet<string> Parse(string? text)
    {
        if (text is null) return DefaultRequiredRoles;
        var known = new[] { StaffRoles.Coordinator, StaffRoles.Leader, StaffRoles.Admin, StaffRoles.Teacher };
        var roles = new HashSet<string>();
        foreach (var part in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var role = known.FirstOrDefault(k => string.Equals(k, part, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException($"{ConfigurationKey} names '{part}', which is no role; use {string.Join(", ", known)} (comma-separated), or leave it empty to require it of nobody.");
            roles.Add(role);
        }
        return roles;
    }
}
