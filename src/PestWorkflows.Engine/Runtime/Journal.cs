using System.Text.Json.Nodes;

namespace PestWorkflows.Engine.Runtime;

/// <summary>Journal event names, as Elsa writes them.</summary>
public static class JournalEvents
{
    public const string WorkflowStarted = "WorkflowStarted";
    public const string WorkflowFinished = "WorkflowFinished";
    public const string WorkflowSuspended = "WorkflowSuspended";
    public const string WorkflowFaulted = "WorkflowFaulted";
    public const string WorkflowCancelled = "Workflow cancelled";
    public const string Started = "Started";
    public const string Resumed = "Resumed";
    public const string Completed = "Completed";
    public const string Suspended = "Suspended";
    public const string Faulted = "Faulted";
    public const string Canceled = "Canceled";
    public const string BookmarkCreated = "BookmarkCreated";
    public const string BookmarkResumed = "BookmarkResumed";
    public const string IncidentRetried = "IncidentRetried";
}

/// <summary>One line of an instance's journal: what happened, when, and by whom.</summary>
public sealed record JournalEntry(
    long Sequence,
    DateTimeOffset Timestamp,
    string EventName,
    string? ActivityId,
    string? NodeId,
    string? ActivityType,
    string? ActivityName,
    string? ActivityInstanceId,
    string? Actor,
    string? Message,
    JsonObject? Payload);

/// <summary>The record of one activity execution; the Studio's instance viewer colours the flow from these.</summary>
public sealed class ActivityExecution
{
    public string Id { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string NodeId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public int ActivityTypeVersion { get; set; } = 1;
    public string? ActivityName { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public ActivityStatus Status { get; set; }
    public bool HasBookmarks { get; set; }
    public JsonObject? ActivityState { get; set; }
    public JsonObject? Outputs { get; set; }
    public string? Exception { get; set; }
}
