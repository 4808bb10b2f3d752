namespace PestWorkflows.Host.Reports;

/// <summary>The jaarevaluatie of one school: the chosen school year beside the year before it.</summary>
public sealed record AnnualReport(string SchoolId, string SchoolName, AnnualFigures Current, AnnualFigures Previous);
