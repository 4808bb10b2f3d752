namespace PestWorkflows.Host.Designer;

/// <summary>Answer of <c>GET /activity-executions/{id}/call-stack</c>, root first.</summary>
public sealed record ActivityExecutionCallStack(string ActivityExecutionId, IReadOnlyList<ActivityExecutionModel> Items, long TotalCount);
