namespace PestWorkflows.Host.Email;

/// <summary>One attempt to hand an <see cref="EmailMessage"/> to the server.</summary>
public sealed class EmailAttempt
{
    public long Id { get; set; }
    public string EmailId { get; set; } = "";
    public int Number { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public EmailAttemptOutcome Outcome { get; set; }
    public string? Error { get; set; }
}
