namespace PestWorkflows.Host.Audit;

/// <summary>The stable codes of <see cref="AuditEntry.Action"/>. Never rename one: old rows keep theirs.</summary>
public static class AuditActions
{
    public const string CaseViewed = "case.viewed";
    public const string CaseAuditViewed = "case.audit.viewed";
    public const string CaseEmailsViewed = "case.emails.viewed";
    public const string CaseEmailViewed = "case.email.viewed";
    public const string PupilRecordViewed = "pupil.record.viewed";
    public const string DocumentDownloaded = "document.downloaded";

    public const string SignalReported = "signal.reported";
    public const string TaskCompleted = "task.completed";
    public const string TaskClaimed = "task.claimed";
    public const string TaskReleased = "task.released";
    public const string TaskAssigned = "task.assigned";
    public const string DocumentUploaded = "document.uploaded";
    public const string EmailResent = "email.resent";
    public const string DefinitionSaved = "definition.saved";
    public const string DefinitionPublished = "definition.published";
    public const string PasswordReset = "account.password.reset";
    public const string CaseAnonymised = "case.anonymised";
    public const string PupilExported = "pupil.exported";
}
