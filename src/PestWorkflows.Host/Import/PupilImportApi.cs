using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Import;

/// <summary>
/// <c>POST /api/pupils/import?dryRun=true|false</c>: the school's pupil export (multipart, part <c>file</c>).
/// A dry run answers what would change; otherwise the file is imported whole. A file with a wrong line is
/// a 400 naming every wrong line. With <c>expectedHash</c> (the <c>fileHash</c> of the dry run) a file
/// that changed since is refused (409).
/// </summary>
public static class PupilImportApi
{
    public const string FilePart = "file";

    public static IEndpointRouteBuilder MapPupilImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/pupils/import", Import).WithTags("Leerlingen").RequireAuthorization(Policies.Staff).WithName("ImportPupils")
            .WithRequestBodyLimit(PupilImporter.MaxBytes + 1024 * 1024).DisableAntiforgery()
            .WithSummary("Leerlingen en ouders inlezen uit een CSV-export van de leerlingadministratie (met dryRun=true: alleen het voorbeeld).");
        return app;
    }

    private static async Task<Results<Ok<PupilImportDto>, ValidationProblem, ProblemHttpResult>> Import(
        [FromQuery] bool? dryRun, [FromQuery] string? expectedHash, Staff staff, HttpContext http, PupilImporter importer, CancellationToken ct)
    {
        if (!AccessRules.MayImportPupils(staff))
            return TypedResults.Problem(Problems.Forbidden("Alleen de anti-pestcoördinator en de beheerder van de school lezen leerlingen in."));
        IFormFile? file = null;
        if (http.Request.HasFormContentType)
        {
            try
            {
                file = (await http.Request.ReadFormAsync(ct)).Files.GetFile(FilePart);
            }
            catch (InvalidDataException) { /* a malformed multipart body: answered below as a missing file */ }
        }
        if (file is null || file.Length == 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [FilePart] = ["Stuur het CSV-bestand als multipart/form-data, in het deel 'file'."] },
                title: "Het bestand ontbreekt.");
        if (file.Length > PupilImporter.MaxBytes)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [FilePart] = [PupilImportTexts.TooLarge] }, title: "Het bestand is te groot.");
        var content = await PupilImportUpload.ReadAsync(file, ct);
        if (expectedHash is { Length: > 0 } && !string.Equals(expectedHash, PupilImporter.HashOf(content), StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem(Problems.Conflict("Dit bestand is anders dan het bestand van het voorbeeld; er is niets ingelezen. Bekijk het voorbeeld opnieuw."));

        var preview = dryRun != false ? await importer.PreviewAsync(staff, content, ct) : await importer.ImportAsync(staff, content, ct);
        if (preview.Refused)
            return TypedResults.ValidationProblem(
                preview.Problems.GroupBy(p => p.Line).ToDictionary(g => $"regel {g.Key}", g => g.Select(p => p.Reason).ToArray()),
                title: PupilImportTexts.Refused(preview.Problems.Count), detail: PupilImportTexts.NothingImported);
        return TypedResults.Ok(PupilImportDto.From(preview, dryRun != false));
    }
}
