namespace PestWorkflows.Host.Import;

/// <summary>A parent on a line of the file (ouder 1 or 2).</summary>
public sealed record PupilCsvGuardian(int Number, string Name, string Email);
