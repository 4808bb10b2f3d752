using Microsoft.AspNetCore.Http.HttpResults;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Documents;

/// <summary>
/// A case's documents over the API: <c>/api/cases/{caseId}/documents</c>. Completing a task stays
/// JSON: upload the file here first (multipart, part <c>file</c>), then name the returned id as the
/// file field's value in <c>POST /api/tasks/{id}/complete</c>.
/// </summary>
public static class DocumentsApi
{
    /// <summary>The form part that carries the file.</summary>
    public const string FilePart = "file";

    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cases/{caseId}/documents").WithTags("Documenten").RequireAuthorization(Policies.Staff);
        api.MapPost("/", Upload).WithName("UploadDocument").WithRequestBodyLimit(RequestBodyLimits.DocumentUpload)
            .WithSummary("Voeg een document (PDF, JPEG of PNG, hoogstens 10 MB) toe aan een zaak, voor het bestandsveld van een taak.");
        api.MapGet("/{documentId}", Download).WithName("DownloadDocument").WithSummary("Download een document van een zaak.");
        return app;
    }

    private static async Task<Results<Created<CaseDocumentDto>, ValidationProblem, ProblemHttpResult, UnauthorizedHttpResult>> Upload(
        string caseId, HttpContext http, StaffAccessor staffAccessor, CaseDocuments documents, CaseService cases, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        if (!await documents.MayAddAsync(staff, caseId, ct))
            return TypedResults.Problem(Problems.NotFound("Deze zaak bestaat niet, of er is geen open taak van jou die om een document vraagt."));
        IFormFile? file = null;
        if (http.Request.HasFormContentType)
        {
            try
            {
                file = (await http.Request.ReadFormAsync(ct)).Files.GetFile(FilePart);
            }
            catch (InvalidDataException) { /* a malformed multipart body: answered below as a missing file */ }
        }
        if (file is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [FilePart] = ["Stuur het bestand als multipart/form-data, in het deel 'file'."] },
                title: "Het document ontbreekt.");
        var upload = await documents.StoreAsync(staff, caseId, file, ct);
        if (upload.Error is { } error)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [FilePart] = [error] }, title: "Het document is niet opgeslagen.");
        var dto = CaseDocumentDto.From(upload.Document!, await cases.NamesAsync(staff.SchoolId, ct));
        return TypedResults.Created($"/api/cases/{Uri.EscapeDataString(caseId)}/documents/{dto.Id}", dto);
    }

    private static async Task<IResult> Download(string caseId, string documentId, HttpContext http, StaffAccessor staffAccessor, CaseDocuments documents,
        AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        if (await documents.FindAsync(staff, caseId, documentId, ct) is not { } document || documents.Open(document) is not { } content)
            return TypedResults.Problem(Problems.NotFound("Dit document bestaat niet of je mag het niet zien."));
        await audit.RecordAsync(db, staff, AuditActions.DocumentDownloaded, AuditResource.Document(document.CaseId, document.Id), ct);
        DocumentResponse.AddHeaders(http.Response);
        return TypedResults.File(content, document.ContentType, document.FileName);
    }
}
