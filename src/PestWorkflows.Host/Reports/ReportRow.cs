namespace PestWorkflows.Host.Reports;

/// <summary>One line of the jaarevaluatie: a Dutch label and the figure per year as shown (page and CSV alike).</summary>
public sealed record ReportRow(string Label, IReadOnlyList<string> Values);
