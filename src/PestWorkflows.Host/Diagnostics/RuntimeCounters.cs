namespace PestWorkflows.Host.Diagnostics;

/// <summary>Cumulative since the process started; a difference of two readings is what happened between them.</summary>
public sealed record RuntimeCounters(double CpuMilliseconds, long AllocatedBytes, int Gen0Collections, int Gen1Collections, int Gen2Collections, long JittedMethods);
