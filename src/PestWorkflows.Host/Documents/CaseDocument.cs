namespace PestWorkflows.Host.Documents;

/// <summary>
/// A file added to a case (the signed nadenkvel of step 5). The file itself lies in the documents
/// folder under <see cref="Id"/>, never under the web root. Uploaded first and linked to its task
/// by the step that completes the task; until then <see cref="TaskId"/> is null, and an upload
/// that is never linked is removed after a day (<see cref="DocumentCleanup"/>).
/// </summary>
public sealed class CaseDocument
{
    /// <summary>Random, and the file's name on disk.</summary>
    public string Id { get; set; } = "";
    public string CaseId { get; set; } = "";
    public string SchoolId { get; set; } = "";
    /// <summary>The task whose completed form holds this document; null until that step commits.</summary>
    public string? TaskId { get; set; }
    /// <summary>The task's form field holding this document.</summary>
    public string? FieldName { get; set; }
    /// <summary>The uploader's file name, made safe for a download header; its extension follows the content.</summary>
    public string FileName { get; set; } = "";
    /// <summary>From the file's first bytes, not from what the browser said.</summary>
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public string Sha256 { get; set; } = "";
    public string UploadedByUserId { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }
}
