namespace PestWorkflows.Engine.Persistence;

/// <summary>Which journal lines of an instance to read, in sequence order. Empty fields do not filter.</summary>
public sealed record JournalQuery
{
    public IReadOnlyCollection<string>? ActivityIds { get; init; }
    public IReadOnlyCollection<string>? NodeIds { get; init; }
    public IReadOnlyCollection<string>? ExcludedActivityTypes { get; init; }
    public IReadOnlyCollection<string>? EventNames { get; init; }
    public int Skip { get; init; }
    public int? Take { get; init; }
}
