namespace PestWorkflows.Host.Email;

/// <summary>
/// One email, written in the transaction that decided to send it (a workflow step, a password reset)
/// together with the outbox row that makes <see cref="EmailOutboxHandler"/> send it.
/// </summary>
public sealed class EmailMessage
{
    public string Id { get; set; } = "";
    public string? SchoolId { get; set; }
    public string? CaseId { get; set; }
    /// <summary>The one pupil a parents' email is about.</summary>
    public string? PupilId { get; set; }
    public EmailRecipientKind RecipientKind { get; set; }
    /// <summary>Which template produced it (e.g. <c>ParentsFeedback</c>, <c>PasswordReset</c>).</summary>
    public string Template { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string? ToName { get; set; }
    public string? ReplyTo { get; set; }
    public string Subject { get; set; } = "";
    public string TextBody { get; set; } = "";
    public string? HtmlBody { get; set; }
    /// <summary>Fixed when the email is written, the same on every attempt (without angle brackets).</summary>
    public string MessageId { get; set; } = "";
    public EmailStatus Status { get; set; } = EmailStatus.Queued;
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public List<EmailAttempt> AttemptLog { get; set; } = [];
    public List<EmailAttachment> Attachments { get; set; } = [];
}
