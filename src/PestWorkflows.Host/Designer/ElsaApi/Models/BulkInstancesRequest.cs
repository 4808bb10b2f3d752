namespace PestWorkflows.Host.Designer;

/// <summary>Body of the instances' bulk cancel and delete.</summary>
public sealed record BulkInstancesRequest(string[]? Ids);
