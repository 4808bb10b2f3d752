namespace PestWorkflows.Host.Audit;

/// <summary>The record an audit line is about: its kind and id, and its case when it belongs to one.</summary>
public readonly record struct AuditResource(string Type, string Id, string? CaseId)
{
    public static AuditResource Case(string caseId) => new("case", caseId, caseId);
    public static AuditResource Task(string caseId, string taskId) => new("task", taskId, caseId);
    public static AuditResource Document(string caseId, string documentId) => new("document", documentId, caseId);
    public static AuditResource Email(string caseId, string emailId) => new("email", emailId, caseId);
    public static AuditResource Pupil(string pupilId) => new("pupil", pupilId, null);
    public static AuditResource Definition(string definitionId) => new("definition", definitionId, null);
    public static AuditResource Account(string userId) => new("account", userId, null);
}
