namespace PestWorkflows.Host.Email;

/// <summary>One attempt to hand an email to the server, with its outcome in Dutch.</summary>
public sealed record EmailAttemptDto(int Number, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Outcome, string OutcomeText, string? Error);
