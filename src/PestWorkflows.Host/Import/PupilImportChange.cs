namespace PestWorkflows.Host.Import;

/// <summary>What the import does with one line: the pupil as in the file, and for a changed pupil which fields change (Dutch names).</summary>
public sealed record PupilImportChange(int Line, string PupilNumber, string Name, string Group, PupilImportChangeKind Kind, IReadOnlyList<string> ChangedFields);
