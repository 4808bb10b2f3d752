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
    /// <summary>
    /// For an attempt made in a batch: under what the batch's light commits (<see cref="EmailAttemptMarks"/>)
    /// are kept until the batch's outcome is committed: <c>boot:</c> and the machine's boot id when they skip the
    /// fsync (SQLite; a process crash keeps them, an OS crash or power cut may not), <c>durable</c> when they are
    /// full commits. Null for an attempt made alone.
    /// </summary>
    public string? MarksBoot { get; set; }
}
