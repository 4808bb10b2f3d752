namespace PestWorkflows.Host.Documents;

/// <summary>A stored upload, or why it was refused (Dutch, to show next to the field).</summary>
public sealed record DocumentUpload(CaseDocument? Document, string? Error)
{
    public static DocumentUpload Refused(string error) => new(null, error);
}
