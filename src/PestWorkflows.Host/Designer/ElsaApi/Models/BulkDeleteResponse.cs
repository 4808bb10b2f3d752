namespace PestWorkflows.Host.Designer;

/// <summary>Answer of the bulk deletes of definitions and instances: how many were deleted.</summary>
public sealed record BulkDeleteResponse(long Deleted);
