namespace PestWorkflows.Host.Email;

/// <summary>An email to send, as its writer composes it (see <see cref="EmailOutbox"/>).</summary>
public sealed record OutgoingEmail(
    string To,
    string Subject,
    string TextBody,
    string? HtmlBody,
    EmailRecipientKind RecipientKind,
    string Template)
{
    public string? ToName { get; init; }
    public string? ReplyTo { get; init; }
    public string? SchoolId { get; init; }
    public string? CaseId { get; init; }
    public string? PupilId { get; init; }
    public IReadOnlyList<EmailAttachment> Attachments { get; init; } = [];
}
