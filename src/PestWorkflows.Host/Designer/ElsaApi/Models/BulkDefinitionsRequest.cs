namespace PestWorkflows.Host.Designer;

/// <summary>Body of the definitions' bulk publish, retract and delete.</summary>
public sealed record BulkDefinitionsRequest(string[]? DefinitionIds);
