namespace PestWorkflows.Host.Email;

/// <summary>
/// What a staff email about a task may say: which task (for the link), its step title and due time.
/// Deliberately nothing else of the case: no pupil, no signal text (see <see cref="StaffEmails"/>).
/// </summary>
public sealed record StaffNotice(StaffNoticeKind Kind, string SchoolId, string CaseId, string TaskId, string StepTitle, DateTimeOffset? DueAt);
