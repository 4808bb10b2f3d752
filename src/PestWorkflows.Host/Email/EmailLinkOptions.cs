namespace PestWorkflows.Host.Email;

/// <summary>Section <c>Email</c>: where the host is reached, for the links in emails (a password reset, a staff member's task).</summary>
public sealed class EmailLinkOptions
{
    public const string Section = "Email";

    /// <summary>
    /// e.g. <c>https://pestworkflows.school.nl</c>. What happens without it: <see cref="Identity.ForgotPasswordModel"/>
    /// (no reset link outside Development) and <see cref="StaffEmails"/> (sent without a link outside Development).
    /// </summary>
    public string? BaseUrl { get; set; }
}
