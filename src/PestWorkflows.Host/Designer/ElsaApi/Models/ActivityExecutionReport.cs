namespace PestWorkflows.Host.Designer;

/// <summary>Answer of <c>POST /activity-executions/report</c>: stats of the nodes that ran.</summary>
public sealed record ActivityExecutionReport(IReadOnlyList<ActivityExecutionStats> Stats);
