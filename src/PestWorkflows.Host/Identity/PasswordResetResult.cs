namespace PestWorkflows.Host.Identity;

public enum PasswordResetResult
{
    Changed,
    /// <summary>Unknown, used or expired link.</summary>
    InvalidLink,
    /// <summary>The new password does not meet the rules; the link still works.</summary>
    WeakPassword,
}
