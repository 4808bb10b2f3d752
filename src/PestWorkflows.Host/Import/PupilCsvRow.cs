namespace PestWorkflows.Host.Import;

/// <summary>One pupil line of the file as read, values trimmed; guardians without an address left out.</summary>
public sealed record PupilCsvRow(int Line, string PupilNumber, string FirstName, string LastName, string Group, IReadOnlyList<PupilCsvGuardian> Guardians);
