using System.Text.Json.Nodes;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Host.Designer;

// The request and response shapes of Elsa 3.8's REST API (Elsa.Api.Client), as the genuine server
// writes them (elsa-golden/). Property order follows the golden responses.

public sealed record Link(string Href, string Rel, string Method);

/// <summary><c>{ items, count }</c>: most descriptor lists and activity executions.</summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Items, int Count);

/// <summary><c>{ items }</c>: storage drivers and variable types.</summary>
public sealed record ItemsResponse<T>(IReadOnlyList<T> Items);

/// <summary><c>{ items, totalCount }</c>: instances and journal.</summary>
public sealed record PagedListResponse<T>(IReadOnlyList<T> Items, long TotalCount);

public sealed record PackageVersionResponse(string PackageVersion);

// ---- workflow definitions ----------------------------------------------------------------------

public sealed record WorkflowDefinitionSummary(
    IReadOnlyList<Link> Links,
    bool IsMaterializerAvailable,
    string Id,
    string DefinitionId,
    string? Name,
    string? Description,
    int Version,
    string? ToolVersion,
    bool IsLatest,
    bool IsPublished,
    string MaterializerName,
    DateTimeOffset CreatedAt,
    bool IsReadonly);

public sealed record WorkflowDefinitionList(
    IReadOnlyList<WorkflowDefinitionSummary> Items,
    int TotalCount,
    int? Page,
    int? PageSize,
    IReadOnlyList<Link> Links);

/// <summary>Answer to save and publish. <c>workflowDefinition</c> is the stored document with <c>links</c>.</summary>
public sealed record SaveWorkflowDefinitionResponse(
    JsonObject WorkflowDefinition,
    bool AlreadyPublished,
    int ConsumingWorkflowCount,
    IReadOnlyList<ValidationError> ValidationErrors);

public sealed record ValidationError(string Message, string? ActivityId = null);

/// <summary>Query of <c>GET /workflow-definitions</c>. Names bind case-insensitively (the Studio sends PascalCase).</summary>
public sealed record ListWorkflowDefinitionsQuery(
    string? VersionOptions,
    string[]? DefinitionIds,
    string[]? Ids,
    string? SearchTerm,
    bool? IsSystem,
    string? OrderBy,
    string? OrderDirection,
    int? Page,
    int? PageSize);

// ---- execution ---------------------------------------------------------------------------------

/// <summary>Body of <c>POST /workflow-definitions/{definitionId}/execute</c> (all optional).</summary>
public sealed record ExecuteWorkflowRequest(string? CorrelationId, string? Name, JsonObject? Input);

public sealed record ExecuteWorkflowResponse(ElsaWorkflowState WorkflowState);

/// <summary>Body of <c>POST /tasks/{taskId}/complete</c>.</summary>
public sealed record CompleteTaskRequest(JsonNode? Result);

/// <summary>Body of <c>POST /events/{eventName}/trigger</c>.</summary>
public sealed record TriggerEventRequest(string? CorrelationId, string? WorkflowInstanceId, JsonNode? Input);

// ---- workflow instances ------------------------------------------------------------------------

/// <summary>Filter of <c>GET|POST /workflow-instances</c> (query string or body).</summary>
public sealed record ListWorkflowInstancesRequest(
    int? Page,
    int? PageSize,
    string? SearchTerm,
    string? DefinitionId,
    string[]? DefinitionIds,
    string? CorrelationId,
    string? Name,
    int? Version,
    bool? HasIncidents,
    bool? IsSystem,
    string? Status,
    string[]? Statuses,
    string? SubStatus,
    string[]? SubStatuses,
    string? OrderBy,
    string? OrderDirection);

public sealed record WorkflowInstanceSummary(
    string Id,
    string DefinitionId,
    string DefinitionVersionId,
    int Version,
    string Status,
    string SubStatus,
    string? CorrelationId,
    string? Name,
    int IncidentCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt);

public sealed record WorkflowInstanceModel(
    string Id,
    string DefinitionId,
    string DefinitionVersionId,
    int Version,
    ElsaWorkflowState WorkflowState,
    string Status,
    string SubStatus,
    string? CorrelationId,
    string? Name,
    bool IsExecuting,
    int IncidentCount,
    bool IsSystem,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt);

/// <summary>Elsa's <c>WorkflowState</c>, mapped from the engine's state document.</summary>
public sealed record ElsaWorkflowState(
    string Id,
    string DefinitionId,
    string DefinitionVersionId,
    int DefinitionVersion,
    string? CorrelationId,
    string? Name,
    WorkflowStatus Status,
    WorkflowSubStatus SubStatus,
    bool IsExecuting,
    IReadOnlyList<ElsaBookmark> Bookmarks,
    IReadOnlyList<ElsaIncident> Incidents,
    bool IsSystem,
    IReadOnlyList<object> CompletionCallbacks,
    IReadOnlyList<ElsaActivityExecutionContext> ActivityExecutionContexts,
    IReadOnlyList<object> ScheduledActivities,
    long ExecutionLogSequence,
    JsonObject Input,
    JsonObject Output,
    JsonObject Properties,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt)
{
    public static ElsaWorkflowState From(WorkflowState state)
    {
        var contextsById = state.Contexts.ToDictionary(c => c.Id);
        return new ElsaWorkflowState(
            state.InstanceId,
            state.DefinitionId,
            state.DefinitionVersionId,
            state.DefinitionVersion,
            state.CorrelationId,
            state.Name,
            state.Status,
            state.SubStatus,
            IsExecuting: false,
            state.Bookmarks.Select(ElsaBookmark.From).ToList(),
            state.Incidents.Where(i => i.ResolvedAt is null).Select(ElsaIncident.From).ToList(),
            IsSystem: false,
            CompletionCallbacks: [],
            state.Contexts.Select(c => ElsaActivityExecutionContext.From(c, c.ParentId is null ? null : contextsById.GetValueOrDefault(c.ParentId))).ToList(),
            ScheduledActivities: [],
            state.JournalSequence,
            Input: new JsonObject(state.Input.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))),
            Output: (JsonObject?)state.Output?.DeepClone() ?? new JsonObject(),
            Properties: new JsonObject(),
            state.CreatedAt,
            state.UpdatedAt,
            state.FinishedAt);
    }
}

public sealed record ElsaBookmark(
    string Id,
    string Name,
    string Hash,
    JsonObject? Payload,
    string ActivityId,
    string ActivityNodeId,
    string ActivityInstanceId,
    DateTimeOffset CreatedAt,
    bool AutoBurn,
    string? CallbackMethodName)
{
    public static ElsaBookmark From(Bookmark b) => new(
        b.Id, b.Name, b.Hash, (JsonObject?)b.Payload?.DeepClone(), b.ActivityId, b.ActivityNodeId, b.ActivityInstanceId, b.CreatedAt, b.AutoBurn, b.CallbackMethodName);
}

public sealed record ElsaExceptionState(string? Type, string Message, string? StackTrace);

public sealed record ElsaIncident(
    string ActivityId,
    string ActivityNodeId,
    string ActivityType,
    string Message,
    ElsaExceptionState Exception,
    DateTimeOffset Timestamp)
{
    public static ElsaIncident From(Incident i) => new(
        i.ActivityId, i.ActivityNodeId, i.ActivityType, i.Message, new ElsaExceptionState(i.ExceptionType, i.Message, i.StackTrace), i.Timestamp);
}

public sealed record ElsaActivityExecutionContext(
    string Id,
    string? ParentContextId,
    string ScheduledActivityNodeId,
    string? OwnerActivityNodeId,
    JsonObject Properties,
    JsonObject Metadata,
    JsonObject ActivityState,
    IReadOnlyList<object> DynamicVariables,
    ActivityStatus Status,
    bool IsExecuting,
    int FaultCount,
    DateTimeOffset? StartedAt)
{
    public static ElsaActivityExecutionContext From(ActivityContextState c, ActivityContextState? parent) => new(
        c.Id, c.ParentId, c.NodeId, parent?.NodeId,
        (JsonObject?)c.Properties?.DeepClone() ?? new JsonObject(),
        new JsonObject(),
        new JsonObject(),
        [],
        c.Status,
        IsExecuting: false,
        FaultCount: c.Status == ActivityStatus.Faulted ? 1 : 0,
        c.StartedAt);
}

// ---- journal and activity executions -----------------------------------------------------------

/// <summary>Query or body paging of the journal. <c>skip</c>/<c>take</c> win over <c>page</c>/<c>pageSize</c>.</summary>
public sealed record JournalPaging(int? Page, int? PageSize, int? Skip, int? Take);

/// <summary>Body of <c>POST /workflow-instances/{id}/journal</c>.</summary>
public sealed record JournalRequest(JournalFilter? Filter, int? Page, int? PageSize, int? Skip, int? Take);

public sealed record JournalFilter(string[]? ActivityIds, string[]? ActivityNodeIds, string[]? ExcludedActivityTypes, string[]? EventNames);

/// <summary>A journal line. The node id is <c>nodeId</c> (not activityNodeId), as Elsa's API writes it.</summary>
public sealed record ExecutionLogRecord(
    string Id,
    string? ActivityInstanceId,
    string? ActivityId,
    string? ActivityType,
    int? ActivityTypeVersion,
    string? ActivityName,
    string? NodeId,
    DateTimeOffset Timestamp,
    long Sequence,
    string EventName,
    string? Message,
    JsonNode? Payload);

/// <summary>Query of <c>GET /activity-executions/list</c>.</summary>
public sealed record ActivityExecutionsQuery(string? WorkflowInstanceId, string? ActivityNodeId);

/// <summary>Elsa's <c>ActivityExecutionRecord</c>; <c>id</c> comes last, as Elsa writes it.</summary>
public sealed record ActivityExecutionModel(
    string WorkflowInstanceId,
    string ActivityId,
    string ActivityNodeId,
    string ActivityType,
    int ActivityTypeVersion,
    string? ActivityName,
    JsonNode ActivityState,
    JsonNode? Outputs,
    JsonObject Properties,
    JsonObject Metadata,
    ElsaExceptionState? Exception,
    DateTimeOffset StartedAt,
    bool HasBookmarks,
    string Status,
    int AggregateFaultCount,
    DateTimeOffset? CompletedAt,
    string Id);
