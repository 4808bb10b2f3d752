using System.Globalization;
using System.Text.Json.Serialization;
using PestWorkflows.Host.Cases;

namespace PestWorkflows.Host.Documents;

/// <summary>A case document as pages and the API show it. The content is at
/// <c>/zaken/{caseId}/documenten/{id}</c> (pages) and <c>/api/cases/{caseId}/documents/{id}</c>.</summary>
public sealed record CaseDocumentDto(string Id, string CaseId, string FileName, string ContentType, long Size, string Sha256,
    DateTimeOffset UploadedAt, PersonDto? UploadedBy, string? TaskId, string? FieldName)
{
    public static CaseDocumentDto From(CaseDocument d, Dictionary<string, string> names) =>
        new(d.Id, d.CaseId, d.FileName, d.ContentType, d.Size, d.Sha256, d.UploadedAt, CaseService.Person(names, d.UploadedByUserId), d.TaskId, d.FieldName);

    [JsonIgnore]
    /// <summary>Where a signed-in person downloads it from a page.</summary>
    public string PageUrl => $"/zaken/{Uri.EscapeDataString(CaseId)}/documenten/{Uri.EscapeDataString(Id)}";

    [JsonIgnore]
    /// <summary>The size as a person reads it: "830 bytes", "120 kB", "2,4 MB".</summary>
    public string SizeLabel => Size switch
    {
        < 1024 => $"{Size} bytes",
        < 1024 * 1024 => $"{Math.Max(1, Size / 1024)} kB",
        _ => (Size / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture).Replace('.', ',') + " MB",
    };
}
