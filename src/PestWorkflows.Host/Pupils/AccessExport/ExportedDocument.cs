namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>A document of the case, listed (not included: a file can name other pupils and cannot be redacted by the host).</summary>
public sealed record ExportedDocument(string FileName, string ContentType, long Size, DateTimeOffset UploadedAt);
