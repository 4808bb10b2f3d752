namespace PestWorkflows.Host.Import;

/// <summary>The answer of <c>POST /api/pupils/import</c>: what would change (dry run) or what changed.</summary>
public sealed record PupilImportDto(
    bool DryRun, bool Imported, string FileHash, string Encoding, string Separator, int Added, int Changed, int Unchanged,
    IReadOnlyList<PupilImportChange> Pupils)
{
    public static PupilImportDto From(PupilImportPreview preview, bool dryRun) =>
        new(dryRun, !dryRun, preview.FileHash, preview.Encoding, preview.Separator, preview.Added, preview.Changed, preview.Unchanged, preview.Pupils);
}
