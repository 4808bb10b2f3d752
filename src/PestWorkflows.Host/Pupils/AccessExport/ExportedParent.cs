namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>A parent or guardian of the pupil.</summary>
public sealed record ExportedParent(string Name, string Email);
