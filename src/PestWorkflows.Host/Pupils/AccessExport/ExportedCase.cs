namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>One case the pupil is part of, with what concerns them.</summary>
public sealed record ExportedCase(string CaseId, string Role, string Status, DateTimeOffset ReportedAt, DateTimeOffset ObservedAt, string Location, string Description, bool BoundaryCrossed, string CurrentStep, string? Outcome, int? EndedAtStep, DateTimeOffset? ClosedAt, DateTimeOffset? EsisRegisteredAt, IReadOnlyList<ExportedOtherPupil> OtherPupils, IReadOnlyList<ExportedTimelineLine> Timeline, IReadOnlyList<ExportedTask> Tasks, IReadOnlyList<ExportedDocument> Documents);
