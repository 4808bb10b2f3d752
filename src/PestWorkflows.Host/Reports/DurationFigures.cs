namespace PestWorkflows.Host.Reports;

/// <summary>
/// How long something took over a year's cases, in whole seconds: how many were measured, the median and the
/// 90th percentile by the nearest-rank rule (the value at rank ⌈p·n⌉ of the ascending list, so for an even count
/// the lower of the two middle values). Null when nothing was measured.
/// </summary>
public sealed record DurationFigures(int Count, long? MedianSeconds, long? Percentile90Seconds);
