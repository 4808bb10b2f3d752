using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using static PestWorkflows.Host.Designer.ElsaProblems;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// What the instance viewer reads of an instance's history: the journal, the activity executions
/// (in full, as summaries, one by id, its call stack) and the per-node report that colours the
/// nodes. An instance (or execution) of another school is a 404, like an unknown one.
/// </summary>
public static class ElsaExecutionsApi
{
    public static RouteGroupBuilder MapElsaExecutions(this RouteGroupBuilder api)
    {
        var instances = api.MapGroup("/workflow-instances");
        instances.MapGet("/{id}/journal", ([AsParameters] JournalPaging paging, string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            GetJournal(id, null, paging, scope, services, ct)).WithName("ElsaGetWorkflowInstanceJournal");
        instances.MapPost("/{id}/journal", ([AsParameters] JournalPaging paging, string id, [FromBody] JournalRequest? request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            GetJournal(id, request?.Filter, new JournalPaging(request?.Page ?? paging.Page, request?.PageSize ?? paging.PageSize, request?.Skip ?? paging.Skip, request?.Take ?? paging.Take), scope, services, ct))
            .WithName("ElsaQueryWorkflowInstanceJournal");

        var executions = api.MapGroup("/activity-executions");
        executions.MapGet("/list", ListActivityExecutions).WithName("ElsaListActivityExecutions");
        executions.MapGet("/by-id", GetActivityExecution).WithName("ElsaGetActivityExecution");
        executions.MapGet("/{id}/call-stack", GetCallStack).WithName("ElsaGetActivityExecutionCallStack");
        executions.MapPost("/report", GetReport).WithName("ElsaActivityExecutionReport");
        api.MapGet("/activity-execution-summaries/list", ListActivityExecutionSummaries).WithName("ElsaListActivityExecutionSummaries");
        return api;
    }

    /// <summary>
    /// The journal in sequence order. An instance out of scope is a 404; so is an unknown one (Elsa
    /// answers an empty journal), so that the answer does not tell another school's ids apart.
    /// </summary>
    private static async Task<Results<Ok<PagedListResponse<ExecutionLogRecord>>, ProblemHttpResult>> GetJournal(
        string id, JournalFilter? filter, JournalPaging paging, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        var query = new JournalQuery
        {
            ActivityIds = filter?.ActivityIds,
            NodeIds = filter?.ActivityNodeIds,
            ExcludedActivityTypes = filter?.ExcludedActivityTypes,
            EventNames = filter?.EventNames,
            Skip = paging.Skip ?? (paging.Page is { } page && paging.PageSize is { } pageSize ? page * pageSize : 0),
            Take = paging.Take ?? paging.PageSize,
        };
        var journal = scope.TenantId is { } tenantId ? await services.Instances.JournalAsync(tenantId, id, query, ct) : null;
        if (journal is not { } found) return InstanceNotFound(id);
        var items = found.Items.Select(j => new ExecutionLogRecord(
            j.Id.ToString(CultureInfo.InvariantCulture), j.ActivityInstanceId, j.ActivityId, j.ActivityType,
            j.ActivityType is null ? null : 1, j.ActivityName, j.NodeId, j.Timestamp, j.Sequence, j.EventName, j.Message,
            j.Payload is null ? null : JsonNode.Parse(j.Payload))).ToList();
        return TypedResults.Ok(new PagedListResponse<ExecutionLogRecord>(items, found.TotalCount));
    }

    /// <summary>The activity executions of one instance, oldest first; an instance out of scope (or unknown) is a 404.</summary>
    private static async Task<Results<Ok<ListResponse<ActivityExecutionModel>>, ProblemHttpResult, ValidationProblem>> ListActivityExecutions(
        [AsParameters] ActivityExecutionsQuery query, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (records, problem) = await ExecutionsAsync(query, scope, services, ct);
        if (problem is not null) return problem;
        if (records is null) return InstanceNotFound(query.WorkflowInstanceId!);
        return TypedResults.Ok(List<ActivityExecutionModel>(records.Select(ToModel).ToList()));
    }

    /// <summary>
    /// The same, without state: the viewer's Executions tab and the selected node's status. It takes
    /// the last item as the node's current execution.
    /// </summary>
    private static async Task<Results<Ok<ListResponse<ActivityExecutionSummary>>, ProblemHttpResult, ValidationProblem>> ListActivityExecutionSummaries(
        [AsParameters] ActivityExecutionsQuery query, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (records, problem) = await ExecutionsAsync(query, scope, services, ct);
        if (problem is not null) return problem;
        if (records is null) return InstanceNotFound(query.WorkflowInstanceId!);
        return TypedResults.Ok(List<ActivityExecutionSummary>(records.Select(a => new ActivityExecutionSummary(
            a.WorkflowInstanceId, a.ActivityId, a.NodeId, a.ActivityType, a.ActivityTypeVersion, a.ActivityName,
            a.StartedAt, a.HasBookmarks, new JsonObject(), a.Status, a.CompletedAt, a.Id)).ToList()));
    }

    private static async Task<(IReadOnlyList<ActivityExecutionRecord>? Records, ValidationProblem? Problem)> ExecutionsAsync(
        ActivityExecutionsQuery query, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query.WorkflowInstanceId)) return (null, Invalid("workflowInstanceId", "workflowInstanceId is required."));
        if (scope.TenantId is not { } tenantId) return (null, null);
        var nodeIds = string.IsNullOrWhiteSpace(query.ActivityNodeId) ? null : new[] { query.ActivityNodeId };
        return (await services.Instances.ActivityExecutionsAsync(tenantId, query.WorkflowInstanceId, nodeIds, ct), null);
    }

    private static async Task<Results<Ok<ActivityExecutionModel>, ProblemHttpResult>> GetActivityExecution(
        string? id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var record = await FindAsync(id, scope, services, ct);
        return record is null ? ExecutionNotFound(id) : TypedResults.Ok(ToModel(record));
    }

    /// <summary>
    /// The chain of executions that led to this one, root first. The engine does not record which
    /// execution scheduled which, so the chain is the execution itself.
    /// </summary>
    private static async Task<Results<Ok<ActivityExecutionCallStack>, ProblemHttpResult>> GetCallStack(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var record = await FindAsync(id, scope, services, ct);
        return record is null ? ExecutionNotFound(id) : TypedResults.Ok(new ActivityExecutionCallStack(record.Id, [ToModel(record)], 1));
    }

    /// <summary>
    /// Per node that ran (of those asked for), the counts that colour it in the viewer, derived from
    /// its executions as Elsa does: started = executions, completed = those with an end, blocked =
    /// any waiting on a bookmark, faulted = any faulted.
    /// </summary>
    private static async Task<Results<Ok<ActivityExecutionReport>, ProblemHttpResult, ValidationProblem>> GetReport(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (body, errors) = await Api.JsonBody.ReadAsync<ActivityExecutionReportRequest>(request, ct);
        if (errors is not null) return Invalid(errors, "The request body is not valid JSON.");
        if (string.IsNullOrWhiteSpace(body!.WorkflowInstanceId)) return Invalid("workflowInstanceId", "workflowInstanceId is required.");
        var nodeIds = body.ActivityNodeIds ?? [];
        var records = scope.TenantId is { } tenantId
            ? await services.Instances.ActivityExecutionsAsync(tenantId, body.WorkflowInstanceId, nodeIds, ct)
            : null;
        if (records is null) return InstanceNotFound(body.WorkflowInstanceId);
        if (nodeIds.Length == 0) records = []; // only the nodes asked for; the store reads all for none

        var faulted = nameof(ActivityStatus.Faulted);
        var stats = records.GroupBy(r => r.NodeId)
            .OrderBy(g => Array.IndexOf(nodeIds, g.Key))
            .Select(g => new ActivityExecutionStats(
                g.Last().ActivityId, g.Key,
                StartedCount: g.Count(),
                CompletedCount: g.Count(r => r.CompletedAt is not null),
                UncompletedCount: g.Count(r => r.CompletedAt is null),
                IsBlocked: g.Any(r => r.HasBookmarks),
                IsFaulted: g.Any(r => r.Status == faulted),
                AggregateFaultCount: g.Count(r => r.Status == faulted),
                Metadata: new JsonObject()))
            .ToList();
        return TypedResults.Ok(new ActivityExecutionReport(stats));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static async Task<ActivityExecutionRecord?> FindAsync(string? id, DesignerScope scope, ElsaServices services, CancellationToken ct) =>
        scope.TenantId is { } tenantId && !string.IsNullOrWhiteSpace(id) ? await services.Instances.FindActivityExecutionAsync(tenantId, id, ct) : null;

    private static ProblemHttpResult ExecutionNotFound(string? id) =>
        NotFound("Activity execution not found", $"Activity execution '{id}' does not exist.");

    private static ActivityExecutionModel ToModel(ActivityExecutionRecord a) => new(
        a.WorkflowInstanceId, a.ActivityId, a.NodeId, a.ActivityType, a.ActivityTypeVersion, a.ActivityName,
        // Never null: the instance viewer keeps polling a record whose state, outputs and exception are all empty.
        a.ActivityState is null ? new JsonObject() : JsonNode.Parse(a.ActivityState) ?? new JsonObject(),
        a.Outputs is null ? null : JsonNode.Parse(a.Outputs),
        new JsonObject(), new JsonObject(),
        ExceptionState(a.Exception),
        a.StartedAt, a.HasBookmarks, a.Status, a.Status == nameof(ActivityStatus.Faulted) ? 1 : 0, a.CompletedAt, a.Id);

    /// <summary>The engine records an exception as "Type: message".</summary>
    private static ElsaExceptionState? ExceptionState(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !text[..colon].Contains(' ')
            ? new ElsaExceptionState(text[..colon], text[(colon + 2)..], null)
            : new ElsaExceptionState(null, text, null);
    }
}
