using Microsoft.AspNetCore.Identity;

namespace PestWorkflows.Host.Identity;

/// <summary>A staff account. Belongs to exactly one school; roles come from Identity.</summary>
public sealed class StaffUser : IdentityUser
{
    public string SchoolId { get; set; } = "";
    public string DisplayName { get; set; } = "";
}
