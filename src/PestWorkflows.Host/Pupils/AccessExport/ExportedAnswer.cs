namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>One answer of a step's form, by the field's Dutch label.</summary>
public sealed record ExportedAnswer(string Field, string Value);
