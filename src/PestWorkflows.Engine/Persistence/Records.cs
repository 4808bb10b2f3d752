namespace PestWorkflows.Engine.Persistence;

/// <summary>One version of a workflow definition; <see cref="Json"/> is the Elsa document as stored.</summary>
public sealed class WorkflowDefinitionRecord
{
    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    /// <summary>The owning tenant; <c>"*"</c> when shared by all (see <see cref="Runtime.Tenants"/>).</summary>
    public string TenantId { get; set; } = "";
    public int Version { get; set; }
    public bool IsLatest { get; set; }
    public bool IsPublished { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string Json { get; set; } = "";
}

/// <summary>A workflow instance. <see cref="Revision"/> guards against two steps applying at once.</summary>
public sealed class WorkflowInstanceRecord
{
    public string Id { get; set; } = "";
    public string DefinitionId { get; set; } = "";
    public string DefinitionVersionId { get; set; } = "";
    /// <summary>The tenant of whoever started it (never the shared tenant).</summary>
    public string TenantId { get; set; } = "";
    public int Version { get; set; }
    public string Status { get; set; } = "";
    public string SubStatus { get; set; } = "";
    public string? CorrelationId { get; set; }
    public string? Name { get; set; }
    public int IncidentCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string State { get; set; } = "";
    public int Revision { get; set; }
}

/// <summary>
/// A bookmark, as a row to find it by id, hash, correlation or due time. Closed rows are kept
/// (with <see cref="ClosedAt"/>) so a late second resume can be told "already resumed".
/// </summary>
public sealed class BookmarkRecord
{
    public string Id { get; set; } = "";
    public string WorkflowInstanceId { get; set; } = "";
    /// <summary>The tenant of its instance: an event or task of another tenant never finds it.</summary>
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Hash { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string ActivityNodeId { get; set; } = "";
    public string ActivityInstanceId { get; set; } = "";
    public string? CorrelationId { get; set; }
    public string? Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    /// <summary>A timer claimed by a dispatcher is not claimed by another until this passes.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}

/// <summary>One journal line of an instance.</summary>
public sealed class JournalRecord
{
    public long Id { get; set; }
    public string WorkflowInstanceId { get; set; } = "";
    public long Sequence { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public string EventName { get; set; } = "";
    public string? ActivityId { get; set; }
    public string? NodeId { get; set; }
    public string? ActivityType { get; set; }
    public string? ActivityName { get; set; }
    public string? ActivityInstanceId { get; set; }
    public string? Actor { get; set; }
    public string? Message { get; set; }
    public string? Payload { get; set; }
}

/// <summary>One activity execution of an instance (Elsa's ActivityExecutionRecord).</summary>
public sealed class ActivityExecutionRecord
{
    public string Id { get; set; } = "";
    public string WorkflowInstanceId { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string NodeId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public int ActivityTypeVersion { get; set; }
    public string? ActivityName { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string Status { get; set; } = "";
    public bool HasBookmarks { get; set; }
    public string? ActivityState { get; set; }
    public string? Outputs { get; set; }
    public string? Exception { get; set; }
}
