namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>A step of the case and what was recorded in it.</summary>
public sealed record ExportedTask(int Step, string Title, string Status, string? Outcome, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, DateTimeOffset? CompletedAt, IReadOnlyList<ExportedAnswer> Answers);
