namespace PestWorkflows.Host.Designer;

/// <summary>
/// Answer of bulk publish, as Elsa's (the Studio reads <c>updatedConsumers</c>), plus <c>skipped</c>:
/// shared or invalid definitions that were left as they are.
/// </summary>
public sealed record BulkPublishResponse(
    IReadOnlyList<string> Published, IReadOnlyList<string> AlreadyPublished, IReadOnlyList<string> NotFound,
    IReadOnlyList<string> UpdatedConsumers, IReadOnlyList<string> Skipped);
