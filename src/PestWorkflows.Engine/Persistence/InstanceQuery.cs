namespace PestWorkflows.Engine.Persistence;

/// <summary>
/// A filter over one tenant's instances (Elsa's instance list). Empty fields do not filter;
/// <see cref="Statuses"/> and <see cref="SubStatuses"/> hold enum names. Ordered by
/// <see cref="OrderBy"/> (<c>created</c>, <c>updated</c>, <c>finished</c>, <c>name</c>), ties by id.
/// </summary>
public sealed record InstanceQuery
{
    public IReadOnlyCollection<string>? Ids { get; init; }
    public IReadOnlyCollection<string>? DefinitionIds { get; init; }
    public string? CorrelationId { get; init; }
    public string? Name { get; init; }
    public int? Version { get; init; }
    public bool? HasIncidents { get; init; }
    public IReadOnlyCollection<string>? Statuses { get; init; }
    public IReadOnlyCollection<string>? SubStatuses { get; init; }
    /// <summary>Matches the id exactly, or part of the definition id, name or correlation id.</summary>
    public string? SearchTerm { get; init; }
    public string OrderBy { get; init; } = "created";
    public bool Ascending { get; init; }
    public int Skip { get; init; }
    public int? Take { get; init; }
}
