using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using static PestWorkflows.Host.Designer.ElsaProblems;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// Elsa's workflow instances: the Studio's instance list (query, cancel, delete, export, bulk cancel
/// and delete) and what the instance viewer reads of one instance (the instance, its execution state
/// and variables). Only the caller's school's instances exist here: another school's id is a 404.
/// The instance of a case is the school's record of that case: it cannot be deleted while the case exists.
/// </summary>
public static class ElsaInstancesApi
{
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);

    /// <summary>The API's own conventions (see Extensions), indented for a file a person may open.</summary>
    private static readonly JsonSerializerOptions ExportJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static RouteGroupBuilder MapElsaInstances(this RouteGroupBuilder api)
    {
        var instances = api.MapGroup("/workflow-instances");
        instances.MapGet("/", ([AsParameters] ListWorkflowInstancesRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            ListInstances(request, scope, services, ct)).WithName("ElsaListWorkflowInstances");
        instances.MapPost("/", ([FromBody] ListWorkflowInstancesRequest? request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            ListInstances(request ?? EmptyFilter, scope, services, ct)).WithName("ElsaQueryWorkflowInstances");
        instances.MapGet("/{id}", GetInstance).WithName("ElsaGetWorkflowInstance");
        instances.MapGet("/{id}/execution-state", GetExecutionState).WithName("ElsaGetWorkflowInstanceExecutionState");
        instances.MapGet("/{id}/variables", GetVariables).WithName("ElsaGetWorkflowInstanceVariables");
        instances.MapGet("/{id}/export", ExportInstance).WithName("ElsaExportWorkflowInstance");
        instances.MapDelete("/{id}", DeleteInstance).WithName("ElsaDeleteWorkflowInstance");
        api.MapPost("/cancel/workflow-instances/{id}", CancelInstance).WithName("ElsaCancelWorkflowInstance");

        var bulk = api.MapGroup("/bulk-actions");
        bulk.MapPost("/cancel/workflow-instances", BulkCancel).WithName("ElsaBulkCancelWorkflowInstances");
        bulk.MapPost("/delete/workflow-instances", BulkDelete).WithName("ElsaBulkDeleteWorkflowInstances");
        bulk.MapPost("/delete/workflow-instances/by-id", BulkDelete).WithName("ElsaBulkDeleteWorkflowInstancesById");
        return api;
    }

    private static readonly ListWorkflowInstancesRequest EmptyFilter =
        new(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    private static async Task<Results<Ok<PagedListResponse<WorkflowInstanceSummary>>, ValidationProblem>> ListInstances(
        ListWorkflowInstancesRequest request, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        if (request.Page < 0 || request.PageSize < 0) return Invalid("page", "page and pageSize must not be negative.");
        if (!TryParseAll<WorkflowStatus>(request.Status, request.Statuses, out var statuses))
            return Invalid("status", $"A status must be one of: {string.Join(", ", Enum.GetNames<WorkflowStatus>())}.");
        if (!TryParseAll<WorkflowSubStatus>(request.SubStatus, request.SubStatuses, out var subStatuses))
            return Invalid("subStatus", $"A sub-status must be one of: {string.Join(", ", Enum.GetNames<WorkflowSubStatus>())}.");
        // No system workflows here; nobody behind the request sees nothing.
        if (request.IsSystem == true || scope.TenantId is not { } tenantId)
            return TypedResults.Ok(new PagedListResponse<WorkflowInstanceSummary>([], 0));

        // Elsa's default: newest first; by name, A to Z.
        var orderBy = request.OrderBy?.ToLowerInvariant() ?? "created";
        var query = new InstanceQuery
        {
            DefinitionIds = request.DefinitionIds is { Length: > 0 } ids ? ids
                : string.IsNullOrWhiteSpace(request.DefinitionId) ? null : [request.DefinitionId],
            CorrelationId = request.CorrelationId,
            Name = request.Name,
            Version = request.Version,
            HasIncidents = request.HasIncidents,
            Statuses = statuses,
            SubStatuses = subStatuses,
            SearchTerm = request.SearchTerm,
            OrderBy = orderBy,
            Ascending = request.OrderDirection is { } direction
                ? string.Equals(direction, "Ascending", StringComparison.OrdinalIgnoreCase)
                : orderBy == "name",
            Skip = request.PageSize is { } size ? (request.Page ?? 0) * size : 0,
            Take = request.PageSize,
        };
        var (rows, total) = await services.Instances.ListAsync(tenantId, query, ct);
        var items = rows.Select(i => new WorkflowInstanceSummary(i.Id, i.DefinitionId, i.DefinitionVersionId, i.Version, i.Status, i.SubStatus,
            i.CorrelationId, i.Name, i.IncidentCount, i.CreatedAt, i.UpdatedAt, i.FinishedAt)).ToList();
        return TypedResults.Ok(new PagedListResponse<WorkflowInstanceSummary>(items, total));
    }

    private static async Task<Results<Ok<WorkflowInstanceModel>, ProblemHttpResult>> GetInstance(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var instance = await FindAsync(id, scope, services, ct);
        return instance is null ? InstanceNotFound(id) : TypedResults.Ok(ToModel(instance));
    }

    /// <summary>What the viewer polls every few seconds while an instance runs: its status and last change.</summary>
    private static async Task<Results<Ok<ExecutionStateResponse>, ProblemHttpResult>> GetExecutionState(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var instance = await FindAsync(id, scope, services, ct);
        return instance is null
            ? InstanceNotFound(id)
            : TypedResults.Ok(new ExecutionStateResponse(instance.Status, instance.SubStatus, instance.UpdatedAt));
    }

    /// <summary>
    /// The variables the instance's definition version declares, each with the value the instance
    /// keeps (null when it keeps none, e.g. a variable without the workflow instance storage driver).
    /// </summary>
    private static async Task<Results<Ok<ListResponse<ResolvedVariable>>, ProblemHttpResult>> GetVariables(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var instance = await FindAsync(id, scope, services, ct);
        if (instance is null) return InstanceNotFound(id);
        var state = JsonSerializer.Deserialize<WorkflowState>(instance.State, StateJson)!;
        var definition = await services.Definitions.FindVersionAsync(instance.TenantId, instance.DefinitionVersionId, ct);
        var declared = definition is null ? [] : (JsonNode.Parse(definition.Json)?["variables"] as JsonArray ?? []).OfType<JsonObject>();
        var items = new List<ResolvedVariable>();
        foreach (var variable in declared)
        {
            var name = (string?)(variable["name"] as JsonValue);
            if (string.IsNullOrWhiteSpace(name)) continue;
            var variableId = (string?)(variable["id"] as JsonValue) ?? name;
            items.Add(new ResolvedVariable(variableId, name, state.Variables.GetValueOrDefault(variableId)?.DeepClone()));
        }
        return TypedResults.Ok(List<ResolvedVariable>(items));
    }

    /// <summary>The instance as a JSON file (the same document as <c>GET /workflow-instances/{id}</c>).</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportInstance(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var instance = await FindAsync(id, scope, services, ct);
        if (instance is null) return InstanceNotFound(id);
        var json = JsonSerializer.Serialize(ToModel(instance), ExportJson);
        return TypedResults.File(Encoding.UTF8.GetBytes(json), "application/json", $"workflow-instance-{instance.Id}.json");
    }

    /// <summary>
    /// Cancels a running instance (Elsa's "Cancel"): 200; 404 out of scope; 409 when it finished
    /// already, or when it runs a case: cancelled, the case would stay open with nobody's task in it,
    /// so a case ends through its protocol (closing it), not in the designer.
    /// </summary>
    private static async Task<Results<Ok, ProblemHttpResult>> CancelInstance(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, AppDbContext db, CancellationToken ct) =>
        await CancelAsync(id, scope, services, db, ct) switch
        {
            CancelResult.Cancelled => TypedResults.Ok(),
            CancelResult.Finished => Conflict("Workflow instance not cancelled", $"Workflow instance '{id}' has finished already."),
            CancelResult.RunsACase => Conflict("Workflow-instantie hoort bij een zaak",
                $"Workflow-instantie '{id}' is het verloop van een zaak. Een zaak stopt via het protocol (afsluiten), niet door de werkstroom te annuleren."),
            _ => InstanceNotFound(id),
        };

    private enum CancelResult { Cancelled, Finished, RunsACase, NotFound }

    private static async Task<CancelResult> CancelAsync(string id, DesignerScope scope, ElsaServices services, AppDbContext db, CancellationToken ct)
    {
        if (scope.TenantId is not { } tenantId || !await services.Instances.ExistsAsync(tenantId, id, ct)) return CancelResult.NotFound;
        if (await BelongsToCaseAsync(db, id, ct)) return CancelResult.RunsACase;
        try
        {
            var result = await services.Runtime.CancelAsync(id, actor: null, ct);
            return result.Outcome switch
            {
                RunOutcome.Applied => CancelResult.Cancelled,
                RunOutcome.NotFound => CancelResult.NotFound,
                _ => CancelResult.Finished,
            };
        }
        catch (WorkflowStateException)
        {
            return CancelResult.Finished;
        }
    }

    /// <summary>
    /// Deletes an instance with its journal, activity executions and bookmarks: 204. The instance of a
    /// case stays as long as the case does (409): it is the school's record of what was done.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteInstance(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, AppDbContext db, CancellationToken ct)
    {
        if (scope.TenantId is not { } tenantId || !await services.Instances.ExistsAsync(tenantId, id, ct)) return InstanceNotFound(id);
        if (await BelongsToCaseAsync(db, id, ct))
            return Conflict("Workflow-instantie hoort bij een zaak",
                $"Workflow-instantie '{id}' is het verloop van een zaak en hoort bij het dossier van de school. Zolang de zaak bestaat, kan deze niet worden verwijderd.");
        return await services.Instances.DeleteAsync(tenantId, id, ct) ? TypedResults.NoContent() : InstanceNotFound(id);
    }

    private static async Task<Results<Ok<BulkCancelResponse>, ValidationProblem>> BulkCancel(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, AppDbContext db, CancellationToken ct)
    {
        var (body, errors) = await Api.JsonBody.ReadAsync<BulkInstancesRequest>(request, ct);
        if (errors is not null) return Invalid(errors, "The request body is not valid JSON.");
        var cancelled = 0;
        foreach (var id in Distinct(body!.Ids))
            if (await CancelAsync(id, scope, services, db, ct) == CancelResult.Cancelled) cancelled++;
        return TypedResults.Ok(new BulkCancelResponse(cancelled));
    }

    /// <summary>Deletes each of the school's instances named; another school's, and those of a case, are left alone.</summary>
    private static async Task<Results<Ok<BulkDeleteResponse>, ValidationProblem>> BulkDelete(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, AppDbContext db, CancellationToken ct)
    {
        var (body, errors) = await Api.JsonBody.ReadAsync<BulkInstancesRequest>(request, ct);
        if (errors is not null) return Invalid(errors, "The request body is not valid JSON.");
        var deleted = 0;
        if (scope.TenantId is { } tenantId)
            foreach (var id in Distinct(body!.Ids))
                if (!await BelongsToCaseAsync(db, id, ct) && await services.Instances.DeleteAsync(tenantId, id, ct)) deleted++;
        return TypedResults.Ok(new BulkDeleteResponse(deleted));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Task<bool> BelongsToCaseAsync(AppDbContext db, string instanceId, CancellationToken ct) =>
        db.Cases.AsNoTracking().AnyAsync(c => c.WorkflowInstanceId == instanceId, ct);

    private static async Task<WorkflowInstanceRecord?> FindAsync(string id, DesignerScope scope, ElsaServices services, CancellationToken ct) =>
        scope.TenantId is { } tenantId ? await services.Instances.FindAsync(tenantId, id, ct) : null;

    private static WorkflowInstanceModel ToModel(WorkflowInstanceRecord instance)
    {
        var state = JsonSerializer.Deserialize<WorkflowState>(instance.State, StateJson)!;
        return new WorkflowInstanceModel(
            instance.Id, instance.DefinitionId, instance.DefinitionVersionId, instance.Version,
            ElsaWorkflowState.From(state),
            instance.Status, instance.SubStatus, instance.CorrelationId, instance.Name,
            IsExecuting: false, instance.IncidentCount, IsSystem: false,
            instance.CreatedAt, instance.UpdatedAt, instance.FinishedAt);
    }

    private static IEnumerable<string> Distinct(string[]? ids) =>
        (ids ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal);

    private static bool TryParseAll<T>(string? single, string[]? many, out List<string> names) where T : struct, Enum
    {
        names = [];
        foreach (var text in (many ?? []).Append(single).Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            var name = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text!.Trim(), StringComparison.OrdinalIgnoreCase));
            if (name is null) return false;
            names.Add(name);
        }
        return true;
    }
}
