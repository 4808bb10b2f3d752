namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>An email sent to the pupil's parents about the pupil.</summary>
public sealed record ExportedEmail(string? CaseId, string To, string? ToName, string Subject, string Text, string Status, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);
