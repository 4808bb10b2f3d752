namespace PestWorkflows.Host.Designer;

/// <summary>Answer of bulk retract, as Elsa's.</summary>
public sealed record BulkRetractResponse(IReadOnlyList<string> Retracted, IReadOnlyList<string> AlreadyRetracted, IReadOnlyList<string> NotFound);
