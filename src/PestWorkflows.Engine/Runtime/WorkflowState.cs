using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace PestWorkflows.Engine.Runtime;

[JsonConverter(typeof(JsonStringEnumConverter<WorkflowStatus>))]
public enum WorkflowStatus { Running, Finished }

[JsonConverter(typeof(JsonStringEnumConverter<WorkflowSubStatus>))]
public enum WorkflowSubStatus { Pending, Executing, Suspended, Finished, Cancelled, Faulted }

[JsonConverter(typeof(JsonStringEnumConverter<ActivityStatus>))]
public enum ActivityStatus { Pending, Running, Completed, Canceled, Faulted }

/// <summary>
/// A point where an instance waits: for a person (a task), a due time (a timer) or an event.
/// Stored in the instance's state and, for lookup, as its own row.
/// </summary>
public sealed class Bookmark
{
    public string Id { get; set; } = "";
    /// <summary>The stimulus name, by default the activity type name (<c>Elsa.Delay</c>, <c>Elsa.Event</c>, ...).</summary>
    public string Name { get; set; } = "";
    /// <summary>Upper-case hex SHA-256 of the stimulus, used to find bookmarks by what they wait for.</summary>
    public string Hash { get; set; } = "";
    public JsonObject? Payload { get; set; }
    public string ActivityId { get; set; } = "";
    public string ActivityNodeId { get; set; } = "";
    public string ActivityInstanceId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>For timers: when the dispatcher should resume it.</summary>
    public DateTimeOffset? DueAt { get; set; }
    public bool AutoBurn { get; set; } = true;
    /// <summary>Set when the activity's <c>ResumeAsync</c> should run instead of plain completion.</summary>
    public string? CallbackMethodName { get; set; }
}

/// <summary>An activity that failed: recorded on the instance, retryable.</summary>
public sealed class Incident
{
    public string Id { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string ActivityNodeId { get; set; } = "";
    public string ActivityInstanceId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public string Message { get; set; } = "";
    public string? ExceptionType { get; set; }
    public string? StackTrace { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>The persisted state of one live activity execution.</summary>
public sealed class ActivityContextState
{
    public string Id { get; set; } = "";
    public string NodeId { get; set; } = "";
    public string? ParentId { get; set; }
    public ActivityStatus Status { get; set; }
    public JsonObject? Properties { get; set; }
    public JsonObject? Input { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
}

/// <summary>Everything needed to continue an instance later. Serialized as one JSON document.</summary>
public sealed class WorkflowState
{
    public string InstanceId { get; set; } = "";
    /// <summary>The tenant the instance belongs to: its starter's (see <see cref="Tenants"/>).</summary>
    public string TenantId { get; set; } = Tenants.Default;
    public string DefinitionId { get; set; } = "";
    public string DefinitionVersionId { get; set; } = "";
    public int DefinitionVersion { get; set; }
    public string? CorrelationId { get; set; }
    public string? Name { get; set; }
    public WorkflowStatus Status { get; set; } = WorkflowStatus.Running;
    public WorkflowSubStatus SubStatus { get; set; } = WorkflowSubStatus.Pending;
    public PestWorkflows.Engine.Model.FlowchartExecutionMode FlowchartMode { get; set; }
    /// <summary>Variable values by variable id.</summary>
    public Dictionary<string, JsonNode?> Variables { get; set; } = new();
    public List<ActivityContextState> Contexts { get; set; } = new();
    public List<Bookmark> Bookmarks { get; set; } = new();
    public List<Incident> Incidents { get; set; } = new();
    /// <summary>The input the instance was started with; every later run sees it too.</summary>
    public Dictionary<string, JsonNode?> Input { get; set; } = new();
    public JsonObject? Output { get; set; }
    public long JournalSequence { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
