namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>The pupil as the school's administration knows them.</summary>
public sealed record ExportedPupil(string Id, string? PupilNumber, string FirstName, string LastName, string Group);
