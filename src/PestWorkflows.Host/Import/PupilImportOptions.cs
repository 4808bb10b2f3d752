namespace PestWorkflows.Host.Import;

/// <summary>
/// The header names of the pupil import (<c>PupilImport:Columns</c>). The defaults are the Dutch names that
/// ESIS and ParnasSys exports use; a school whose export names a column differently sets it here.
/// Headers are matched ignoring case and surrounding spaces.
/// </summary>
public sealed class PupilImportOptions
{
    public const string Section = "PupilImport";

    public PupilImportColumns Columns { get; set; } = new();
}
