using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Import;

/// <summary>
/// /leerlingen/importeren: upload the administration's export, see what it would add and change, and confirm.
/// The confirm names the previewed file by its hash and imports exactly those bytes (<see cref="PendingImports"/>).
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
[RequestSizeLimit(PupilImporter.MaxBytes + 1024 * 1024)]
public sealed class PupilImportPageModel(PupilImporter importer, PendingImports pending, IOptions<PupilImportOptions> options) : StaffPageModel
{
    /// <summary>Lines listed on the page; the counts above them cover the rest.</summary>
    public const int ShownLines = 500;

    public PupilImportColumns Columns => options.Value.Columns;
    /// <summary>The preview of the uploaded file, waiting for the confirm.</summary>
    public PupilImportPreview? Preview { get; private set; }
    /// <summary>What the confirm imported.</summary>
    public PupilImportPreview? Imported { get; private set; }
    public string? Error { get; private set; }

    public IActionResult OnGet() => AccessRules.MayImportPupils(Staff) ? Page() : Forbid();

    /// <summary>A post without a handler name: without this, Razor Pages renders the page for anyone, the access check skipped.</summary>
    public IActionResult OnPost() => OnGet();

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, CancellationToken ct)
    {
        if (!AccessRules.MayImportPupils(Staff)) return Forbid();
        if (file is null || file.Length == 0) return Refuse("Kies een CSV-bestand.");
        if (file.Length > PupilImporter.MaxBytes) return Refuse(PupilImportTexts.TooLarge);
        var content = await PupilImportUpload.ReadAsync(file, ct);
        Preview = await importer.PreviewAsync(Staff, content, ct);
        if (!Preview.Refused) pending.Keep(Staff.SchoolId, Preview.FileHash, content);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(string? hash, CancellationToken ct)
    {
        if (!AccessRules.MayImportPupils(Staff)) return Forbid();
        if (hash is not { Length: > 0 } || pending.Find(Staff.SchoolId, hash) is not { } content || PupilImporter.HashOf(content) != hash)
            return Refuse("Dit voorbeeld is verlopen of hoort bij een ander bestand; er is niets ingelezen. Kies het bestand opnieuw.");
        var result = await importer.ImportAsync(Staff, content, ct);
        if (result.Refused)
        {
            Preview = result;
            return Page();
        }
        pending.Forget(Staff.SchoolId, hash);
        Imported = result;
        return Page();
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
