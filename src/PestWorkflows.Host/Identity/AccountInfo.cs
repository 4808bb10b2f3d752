namespace PestWorkflows.Host.Identity;

/// <summary>The signed-in person's own account (<c>GET /api/auth/manage/info</c>).</summary>
public sealed record AccountInfo(string Email, bool IsEmailConfirmed, string DisplayName, string SchoolId, IReadOnlyList<string> Roles);
