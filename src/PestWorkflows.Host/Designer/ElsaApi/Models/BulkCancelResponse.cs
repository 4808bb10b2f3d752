namespace PestWorkflows.Host.Designer;

/// <summary>Answer of <c>POST /bulk-actions/cancel/workflow-instances</c>: how many were cancelled.</summary>
public sealed record BulkCancelResponse(int Cancelled);
