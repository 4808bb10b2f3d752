namespace PestWorkflows.Host.Designer;

/// <summary>Elsa's <c>ActivityExecutionRecordSummary</c>: an activity execution without its state; <c>id</c> last, as Elsa writes it.</summary>
public sealed record ActivityExecutionSummary(
    string WorkflowInstanceId,
    string ActivityId,
    string ActivityNodeId,
    string ActivityType,
    int ActivityTypeVersion,
    string? ActivityName,
    DateTimeOffset StartedAt,
    bool HasBookmarks,
    System.Text.Json.Nodes.JsonObject Metadata,
    string Status,
    DateTimeOffset? CompletedAt,
    string Id);
