namespace PestWorkflows.Host.Reports;

/// <summary>The cases of a year whose bullied pupil is in this group (see <see cref="AnnualFigures.PerGroup"/>).</summary>
public sealed record GroupCount(string GroupId, string Group, int Year, int Cases);
