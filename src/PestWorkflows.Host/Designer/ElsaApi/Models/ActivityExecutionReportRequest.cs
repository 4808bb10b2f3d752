namespace PestWorkflows.Host.Designer;

/// <summary>Body of <c>POST /activity-executions/report</c>.</summary>
public sealed record ActivityExecutionReportRequest(string? WorkflowInstanceId, string[]? ActivityNodeIds);
