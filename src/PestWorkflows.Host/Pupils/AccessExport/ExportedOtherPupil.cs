namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>Another pupil of the case: their role only, never who.</summary>
public sealed record ExportedOtherPupil(string Name, string Role);
