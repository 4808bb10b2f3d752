namespace PestWorkflows.Host.Identity;

/// <summary>A "forgot password" link: only the hash of its secret is kept; it works once, until <see cref="ExpiresAt"/>.</summary>
public sealed class PasswordReset
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    /// <summary>SHA-256 of the secret in the link (hex), so a copy of the database opens no account.</summary>
    public string TokenHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
