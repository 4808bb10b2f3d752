namespace PestWorkflows.Host.Email;

/// <summary>Section <c>Email</c>: where the host is reached, for the links in emails.</summary>
public sealed class StaffEmailOptions
{
    public const string Section = "Email";

    /// <summary>e.g. <c>https://pestworkflows.school.nl</c>; see <see cref="StaffEmails"/> for what happens without it.</summary>
    public string? BaseUrl { get; set; }
}
