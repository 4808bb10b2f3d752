namespace PestWorkflows.Host.Reports;

/// <summary>One duration at its rank among <see cref="Count"/> (a row of the percentile query).</summary>
public sealed record DurationRank(long Rank, long Count, long Seconds);
