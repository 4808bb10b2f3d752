namespace PestWorkflows.Host.Import;

/// <summary>
/// What importing a file would do (or did): per line added, changed (which fields) or unchanged; or, when any
/// line is wrong, the problems and nothing else. <see cref="FileHash"/> (SHA-256 of the bytes) names the file.
/// </summary>
public sealed record PupilImportPreview(
    string FileHash, string Encoding, string Separator, IReadOnlyList<PupilImportChange> Pupils, IReadOnlyList<PupilImportProblem> Problems)
{
    public bool Refused => Problems.Count > 0;
    public int Added => Pupils.Count(p => p.Kind == PupilImportChangeKind.Added);
    public int Changed => Pupils.Count(p => p.Kind == PupilImportChangeKind.Changed);
    public int Unchanged => Pupils.Count(p => p.Kind == PupilImportChangeKind.Unchanged);
}
