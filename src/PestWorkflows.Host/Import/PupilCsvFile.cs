namespace PestWorkflows.Host.Import;

/// <summary>A file as read: its lines, the problems of the file as a whole or of single lines, and how it was encoded and separated.</summary>
public sealed record PupilCsvFile(IReadOnlyList<PupilCsvRow> Rows, IReadOnlyList<PupilImportProblem> Problems, string EncodingName, char Separator);
