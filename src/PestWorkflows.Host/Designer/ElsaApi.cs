using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Descriptors;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;
using PestWorkflows.Host.Api;

namespace PestWorkflows.Host.Designer;

/// <summary>What the Elsa API handlers need, bundled.</summary>
public sealed record ElsaServices(
    WorkflowDefinitionStore Definitions,
    WorkflowRuntime Runtime,
    IDbContextFactory<WorkflowDbContext> DbFactory,
    ActivityRegistry Activities);

/// <summary>
/// The subset of Elsa 3.8's REST API (<c>/elsa/api</c>) that Elsa Studio's designer, definition list,
/// instance list and instance viewer call, backed by the engine. Shapes follow a genuine Elsa 3.8
/// server (docs/elsa-golden): camelCase, enums as strings, nulls left out. Every error is
/// <c>application/problem+json</c>.
/// <para>
/// Every handler that touches definitions or instances takes the caller's <see cref="DesignerScope"/>,
/// the school's tenant in the engine: another school's definitions and instances are left out of
/// lists and bulk actions and are a 404 everywhere else, exactly like ids that do not exist. Shared
/// definitions (hello-world, the protocol template) are read-only: changing one is a 403.
/// </para>
/// </summary>
public static class ElsaApi
{
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);
    private const string InvalidDefinitionTitle = "The workflow definition is not valid.";

    public static RouteGroupBuilder MapElsaApi(this IEndpointRouteBuilder app)
    {
        // Only coordinators and admins shape the protocol; the Studio sends a bearer token or the cookie.
        // Completing a task is for any staff member and is mapped apart (Inbox/TasksApi).
        var api = app.MapGroup("/elsa/api").WithTags("Elsa").RequireAuthorization(Identity.Policies.Designer)
            .WithRequestBodyLimit(RequestBodyLimits.ElsaApi);

        var descriptors = api.MapGroup("/descriptors");
        descriptors.MapGet("/activities", GetActivityDescriptors).WithName("ElsaActivityDescriptors");
        descriptors.MapGet("/expression-descriptors", () => TypedResults.Ok(List(ElsaDescriptors.Expressions))).WithName("ElsaExpressionDescriptors");
        descriptors.MapGet("/variables", () => TypedResults.Ok(new ItemsResponse<VariableTypeDescriptor>(ElsaDescriptors.VariableTypes))).WithName("ElsaVariableDescriptors");
        descriptors.MapGet("/storage-drivers", () => TypedResults.Ok(new ItemsResponse<StorageDriverDescriptor>(ElsaDescriptors.StorageDrivers))).WithName("ElsaStorageDrivers");
        descriptors.MapGet("/incident-strategies", () => TypedResults.Ok(List(ElsaDescriptors.IncidentStrategies))).WithName("ElsaIncidentStrategies");
        descriptors.MapGet("/workflow-activation-strategies", () => TypedResults.Ok(List(ElsaDescriptors.ActivationStrategies))).WithName("ElsaActivationStrategies");
        descriptors.MapGet("/log-persistence-strategies", () => TypedResults.Ok(List(ElsaDescriptors.LogPersistenceStrategies))).WithName("ElsaLogPersistenceStrategies");
        descriptors.MapGet("/commit-strategies/workflows", () => TypedResults.Ok(List(ElsaDescriptors.WorkflowCommitStrategies))).WithName("ElsaWorkflowCommitStrategies");
        descriptors.MapGet("/commit-strategies/activities", () => TypedResults.Ok(List(ElsaDescriptors.ActivityCommitStrategies))).WithName("ElsaActivityCommitStrategies");
        api.MapGet("/features/installed", () => TypedResults.Ok(List(ElsaDescriptors.Features))).WithName("ElsaInstalledFeatures");
        api.MapGet("/package/version", () => TypedResults.Ok(new PackageVersionResponse(ElsaDescriptors.PackageVersion))).WithName("ElsaPackageVersion");

        var definitions = api.MapGroup("/workflow-definitions");
        definitions.MapGet("/", ListDefinitions).WithName("ElsaListWorkflowDefinitions");
        definitions.MapGet("/by-definition-id/{definitionId}", GetDefinition).WithName("ElsaGetWorkflowDefinitionByDefinitionId");
        definitions.MapGet("/by-id/{id}", GetDefinitionVersion).WithName("ElsaGetWorkflowDefinitionById");
        definitions.MapGet("/{definitionId}", GetDefinition).WithName("ElsaGetWorkflowDefinition");
        definitions.MapPost("/", SaveDefinition).WithName("ElsaSaveWorkflowDefinition").WithRequestBodyLimit(RequestBodyLimits.DefinitionSave);
        definitions.MapPost("/{definitionId}/publish", PublishDefinition).WithName("ElsaPublishWorkflowDefinition");
        definitions.MapDelete("/{definitionId}", DeleteDefinition).WithName("ElsaDeleteWorkflowDefinition");
        definitions.MapPost("/{definitionId}/execute", ExecuteDefinition).WithName("ElsaExecuteWorkflowDefinition");
        api.MapPost("/bulk-actions/publish/workflow-definitions/by-definition-ids", BulkPublishDefinitions).WithName("ElsaBulkPublishWorkflowDefinitions");

        var instances = api.MapGroup("/workflow-instances");
        instances.MapGet("/", ([AsParameters] ListWorkflowInstancesRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            ListInstances(request, scope, services, ct)).WithName("ElsaListWorkflowInstances");
        instances.MapPost("/", ([FromBody] ListWorkflowInstancesRequest? request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            ListInstances(request ?? EmptyInstanceFilter, scope, services, ct)).WithName("ElsaQueryWorkflowInstances");
        instances.MapGet("/{id}", GetInstance).WithName("ElsaGetWorkflowInstance");
        instances.MapGet("/{id}/journal", ([AsParameters] JournalQuery query, string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            GetJournal(id, null, query, scope, services, ct)).WithName("ElsaGetWorkflowInstanceJournal");
        instances.MapPost("/{id}/journal", ([AsParameters] JournalQuery query, string id, [FromBody] JournalRequest? request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct) =>
            GetJournal(id, request?.Filter, new JournalQuery(request?.Page ?? query.Page, request?.PageSize ?? query.PageSize, request?.Skip ?? query.Skip, request?.Take ?? query.Take), scope, services, ct))
            .WithName("ElsaQueryWorkflowInstanceJournal");

        api.MapGet("/activity-executions/list", ListActivityExecutions).WithName("ElsaListActivityExecutions");
        api.MapPost("/events/{eventName}/trigger", TriggerEvent).WithName("ElsaTriggerEvent");
        return api;
    }

    // ---- descriptors -------------------------------------------------------------------------

    private static Ok<ListResponse<JsonObject>> GetActivityDescriptors([AsParameters] ElsaServices services) =>
        TypedResults.Ok(List(services.Activities.All.OrderBy(d => d.TypeName, StringComparer.Ordinal).Select(ActivityDescriptorJson.Write).ToList()));

    // ---- definitions -------------------------------------------------------------------------

    private static async Task<Results<Ok<WorkflowDefinitionList>, ValidationProblem>> ListDefinitions(
        [AsParameters] ListWorkflowDefinitionsQuery query, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (!VersionFilter.TryParse(query.VersionOptions, out var filter)) return Invalid("versionOptions", VersionFilter.Problem);
        if (query.Page < 0 || query.PageSize < 0) return Invalid("page", "page and pageSize must not be negative.");

        List<DefinitionVersionRow> rows;
        await using (var db = await services.DbFactory.CreateDbContextAsync(ct))
            rows = await scope.Visible(db.Definitions.AsNoTracking())
                .Select(d => new DefinitionVersionRow(d.Id, d.DefinitionId, d.Version, d.IsLatest, d.IsPublished, d.Name, d.Description, d.CreatedAt))
                .ToListAsync(ct);

        IEnumerable<DefinitionVersionRow> matches = rows.Where(filter.Matches);
        if (query.IsSystem == true) matches = []; // no system workflows here
        if (query.DefinitionIds is { Length: > 0 } definitionIds) matches = matches.Where(r => definitionIds.Contains(r.DefinitionId));
        if (query.Ids is { Length: > 0 } ids) matches = matches.Where(r => ids.Contains(r.Id));
        if (!string.IsNullOrWhiteSpace(query.SearchTerm))
        {
            var term = query.SearchTerm.Trim();
            matches = matches.Where(r => Contains(r.Name, term) || Contains(r.Description, term) || Contains(r.DefinitionId, term) || r.Id == term);
        }

        var descending = string.Equals(query.OrderDirection, "Descending", StringComparison.OrdinalIgnoreCase);
        matches = (query.OrderBy?.ToLowerInvariant()) switch
        {
            "version" => descending ? matches.OrderByDescending(r => r.Version) : matches.OrderBy(r => r.Version),
            "created" or "createdat" => descending ? matches.OrderByDescending(r => r.CreatedAt) : matches.OrderBy(r => r.CreatedAt),
            _ => descending
                ? matches.OrderByDescending(r => r.Name, StringComparer.CurrentCultureIgnoreCase).ThenByDescending(r => r.Version)
                : matches.OrderBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(r => r.Version),
        };

        var all = matches.ToList();
        var page = all.AsEnumerable();
        if (query.PageSize is { } size)
            page = page.Skip((query.Page ?? 0) * size).Take(size);
        var items = page.Select(WorkflowDefinitionModels.ToSummary).ToList();
        return TypedResults.Ok(new WorkflowDefinitionList(items, all.Count, query.Page, query.PageSize, WorkflowDefinitionModels.ListLinks));
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult, ValidationProblem>> GetDefinition(
        string definitionId, string? versionOptions, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        // Elsa's default for a single definition is the latest version.
        if (!VersionFilter.TryParse(string.IsNullOrWhiteSpace(versionOptions) ? "Latest" : versionOptions, out var filter))
            return Invalid("versionOptions", VersionFilter.Problem);

        List<WorkflowDefinitionRecord> versions;
        await using (var db = await services.DbFactory.CreateDbContextAsync(ct))
            versions = await scope.Visible(db.Definitions.AsNoTracking()).Where(d => d.DefinitionId == definitionId).ToListAsync(ct);
        var match = versions.Where(filter.Matches).MaxBy(v => v.Version);
        return match is null
            ? NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' has no version matching '{versionOptions ?? "Latest"}'.")
            : TypedResults.Ok(WorkflowDefinitionModels.ToModel(match));
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetDefinitionVersion(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var record = scope.TenantId is { } tenantId ? await services.Definitions.FindVersionAsync(tenantId, id, ct) : null;
        return record is null
            ? NotFound("Workflow definition not found", $"Workflow definition version '{id}' does not exist.")
            : TypedResults.Ok(WorkflowDefinitionModels.ToModel(record));
    }

    /// <summary>
    /// Saves the draft (a new draft version when the latest is published) and, with
    /// <c>publish: true</c>, publishes it. An invalid definition is refused with every problem named
    /// and nothing stored. The body is read by hand so that malformed JSON gets the same answer.
    /// The owner is the server's to set (<see cref="DesignerScope.CheckChangeAsync"/>): a new
    /// definition becomes the caller's school's (whatever <c>tenantId</c> the body names); a shared
    /// one or a reserved id is a 403 and another school's definition id a 404, with nothing stored.
    /// </summary>
    private static async Task<Results<Ok<SaveWorkflowDefinitionResponse>, ProblemHttpResult, ValidationProblem>> SaveDefinition(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        JsonObject body;
        try
        {
            using var reader = new StreamReader(request.Body);
            body = WorkflowDefinitionJson.Parse(await reader.ReadToEndAsync(ct));
        }
        catch (WorkflowDefinitionException e)
        {
            return Invalid("body", e.Problems, "The request body is not valid JSON.");
        }
        if (body["model"] is not JsonObject model)
            return Invalid("model", ["The body has no 'model' object (expected { \"model\": {...}, \"publish\": true|false })."], InvalidDefinitionTitle);
        var publish = body["publish"] is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
        var definitionId = (model["definitionId"] as JsonValue)?.TryGetValue<string>(out var id) == true ? id : null;
        if (Refuse(await scope.CheckChangeAsync(definitionId, ct), definitionId) is { } refused) return refused;

        try
        {
            var saved = await services.Definitions.SaveDraftAsync(scope.TenantId!, model, ct);
            if (publish)
                saved = (await services.Definitions.PublishAsync(scope.TenantId!, saved.DefinitionId, ct))?.Definition ?? saved;
            return TypedResults.Ok(new SaveWorkflowDefinitionResponse(WorkflowDefinitionModels.ToModel(saved), false, 0, []));
        }
        catch (WorkflowDefinitionException e)
        {
            return Invalid("model", e.Problems, InvalidDefinitionTitle);
        }
        catch (DefinitionOfOtherTenantException)
        {
            // Another school or the shared definitions took the id between the check and the save.
            return NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' does not exist.");
        }
    }

    /// <summary>The answer when a designer may not change a definition id; null when they may.</summary>
    private static ProblemHttpResult? Refuse(DefinitionChange change, string? definitionId) => change switch
    {
        DefinitionChange.NotFound => NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' does not exist."),
        DefinitionChange.Shared => Forbidden("Gedeelde workflow is alleen-lezen",
            $"'{definitionId}' wordt door alle scholen gedeeld en kan niet worden gewijzigd, gepubliceerd of verwijderd. " +
            "Maak een eigen kopie met een nieuwe naam, of wijzig het pestprotocol van je school."),
        DefinitionChange.Reserved => Forbidden("Naam is gereserveerd",
            $"Workflow-id's die beginnen met '{Schools.SchoolProtocols.CopyPrefix}' zijn voor het pestprotocol van een school; " +
            "alleen het protocol van je eigen school mag zo heten. Kies een andere id."),
        _ => null,
    };

    private static async Task<Results<Ok<SaveWorkflowDefinitionResponse>, ProblemHttpResult, ValidationProblem>> PublishDefinition(
        string definitionId, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (Refuse(await scope.CheckChangeAsync(definitionId, ct), definitionId) is { } refused) return refused;
        try
        {
            var result = await services.Definitions.PublishAsync(scope.TenantId!, definitionId, ct);
            if (result is not { } published)
                return NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' does not exist.");
            return TypedResults.Ok(new SaveWorkflowDefinitionResponse(WorkflowDefinitionModels.ToModel(published.Definition), published.AlreadyPublished, 0, []));
        }
        catch (WorkflowDefinitionException e)
        {
            return Invalid("model", e.Problems, InvalidDefinitionTitle);
        }
    }

    /// <summary>
    /// Deletes every version of one of the school's definitions (204, as Elsa). A shared definition is
    /// a 403, another school's a 404; the school's own protocol, and a definition with running
    /// instances, are kept (409).
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteDefinition(
        string definitionId, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (Refuse(await scope.CheckChangeAsync(definitionId, ct), definitionId) is { } refused) return refused;
        if (definitionId == Schools.SchoolProtocols.CopyIdOf(scope.TenantId!))
            return Conflict("Pestprotocol blijft bestaan",
                "Dit is het pestprotocol van je school: nieuwe meldingen lopen erdoor. Je kunt het wijzigen, maar niet verwijderen.");
        return await services.Definitions.DeleteAsync(scope.TenantId!, definitionId, ct) switch
        {
            DefinitionDeletion.Deleted => TypedResults.NoContent(),
            DefinitionDeletion.InstancesRunning => Conflict("Workflow niet verwijderd",
                $"Er lopen nog instanties van '{definitionId}'. Rond ze af of annuleer ze eerst."),
            _ => NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' does not exist."),
        };
    }

    public sealed record BulkPublishRequest(string[]? DefinitionIds);

    public sealed record BulkPublishResponse(
        IReadOnlyList<string> Published, IReadOnlyList<string> AlreadyPublished, IReadOnlyList<string> NotFound,
        IReadOnlyList<string> Skipped, IReadOnlyList<string> ConsumingUpdated);

    /// <summary>
    /// Publishes the latest version of each definition; an invalid or shared one is skipped, one not in
    /// scope is not found.
    /// </summary>
    private static async Task<Ok<BulkPublishResponse>> BulkPublishDefinitions(
        BulkPublishRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        List<string> published = [], alreadyPublished = [], notFound = [], skipped = [];
        foreach (var definitionId in (request.DefinitionIds ?? []).Distinct(StringComparer.Ordinal))
        {
            var change = await scope.CheckChangeAsync(definitionId, ct);
            if (change != DefinitionChange.Allowed)
            {
                (change == DefinitionChange.Shared ? skipped : notFound).Add(definitionId);
                continue;
            }
            try
            {
                var result = await services.Definitions.PublishAsync(scope.TenantId!, definitionId, ct);
                (result is null ? notFound : result.Value.AlreadyPublished ? alreadyPublished : published).Add(definitionId);
            }
            catch (WorkflowDefinitionException)
            {
                skipped.Add(definitionId);
            }
        }
        return TypedResults.Ok(new BulkPublishResponse(published, alreadyPublished, notFound, skipped, []));
    }

    // ---- execution ---------------------------------------------------------------------------

    /// <summary>
    /// Starts an instance of the published version (of the school's definition or a shared one) and
    /// runs it until it finishes or waits. The instance belongs to the starter's school.
    /// </summary>
    private static async Task<Results<Ok<ExecuteWorkflowResponse>, ProblemHttpResult>> ExecuteDefinition(
        string definitionId, [FromBody] ExecuteWorkflowRequest? request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (scope.TenantId is null)
            return NotFound("Workflow definition not found", $"Definition '{definitionId}' has no published version."); // the engine's words for an unknown id
        var options = new StartWorkflowOptions
        {
            TenantId = scope.TenantId,
            CorrelationId = string.IsNullOrWhiteSpace(request?.CorrelationId) ? null : request.CorrelationId,
            Name = request?.Name,
            Input = request?.Input?.ToDictionary(p => p.Key, p => p.Value?.DeepClone()),
        };
        var result = await services.Runtime.StartAsync(definitionId, options, ct);
        switch (result.Outcome)
        {
            case RunOutcome.NotFound:
                return NotFound("Workflow definition not found", result.Message ?? $"Workflow definition '{definitionId}' has no published version.");
            case RunOutcome.Conflict:
                return Conflict("Workflow instance not started", result.Message ?? "The instance could not be started.");
        }
        var state = await services.Runtime.GetStateAsync(result.InstanceId!, ct);
        return state is null
            ? NotFound("Workflow instance not found", $"Workflow instance '{result.InstanceId}' does not exist.")
            : TypedResults.Ok(new ExecuteWorkflowResponse(ElsaWorkflowState.From(state)));
    }

    /// <summary>Completes an <c>Elsa.RunTask</c>: 200 when applied, 404 for an unknown task (or one of
    /// another school), 409 when it was completed already.</summary>
    internal static async Task<Results<Ok, ProblemHttpResult>> CompleteRunTask(
        string taskId, CompleteTaskRequest? request, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        if (scope.TenantId is null) return NotFound("Task not found", $"Task '{taskId}' does not exist.");
        WorkflowRunResult result;
        try
        {
            result = await services.Runtime.CompleteTaskAsync(scope.TenantId, taskId, request?.Result, actor: null, ct);
        }
        catch (Exception e) when (e is WorkflowStateException or BookmarkNotFoundException)
        {
            return Conflict("Task not completed", e.Message);
        }
        return result.Outcome switch
        {
            RunOutcome.Applied => TypedResults.Ok(),
            RunOutcome.NotFound => NotFound("Task not found", result.Message ?? $"Task '{taskId}' does not exist."),
            _ => Conflict("Task not completed", result.Message ?? $"Task '{taskId}' was completed already."),
        };
    }

    /// <summary>
    /// Publishes an event, within the caller's school, to the instances waiting for it (narrowed by
    /// correlation or instance id). As in Elsa, the answer is 200 whether or not anything was waiting.
    /// </summary>
    private static async Task<Ok> TriggerEvent(
        string eventName, [FromBody] TriggerEventRequest? request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var correlationId = string.IsNullOrWhiteSpace(request?.CorrelationId) ? null : request.CorrelationId;
        var instanceId = string.IsNullOrWhiteSpace(request?.WorkflowInstanceId) ? null : request.WorkflowInstanceId;
        if (scope.TenantId is { } tenantId)
            await services.Runtime.PublishEventAsync(tenantId, eventName, correlationId, instanceId, request?.Input, actor: null, ct);
        return TypedResults.Ok();
    }

    // ---- instances ---------------------------------------------------------------------------

    private static readonly ListWorkflowInstancesRequest EmptyInstanceFilter =
        new(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    private static async Task<Results<Ok<PagedListResponse<WorkflowInstanceSummary>>, ValidationProblem>> ListInstances(
        ListWorkflowInstancesRequest request, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        if (request.Page < 0 || request.PageSize < 0) return Invalid("page", "page and pageSize must not be negative.");
        if (!TryParseAll<WorkflowStatus>(request.Status, request.Statuses, out var statuses))
            return Invalid("status", $"A status must be one of: {string.Join(", ", Enum.GetNames<WorkflowStatus>())}.");
        if (!TryParseAll<WorkflowSubStatus>(request.SubStatus, request.SubStatuses, out var subStatuses))
            return Invalid("subStatus", $"A sub-status must be one of: {string.Join(", ", Enum.GetNames<WorkflowSubStatus>())}.");

        await using var db = await services.DbFactory.CreateDbContextAsync(ct);
        var query = scope.Visible(db.Instances.AsNoTracking());
        if (request.IsSystem == true) query = query.Where(_ => false); // no system workflows here
        if (!string.IsNullOrWhiteSpace(request.DefinitionId)) query = query.Where(i => i.DefinitionId == request.DefinitionId);
        if (request.DefinitionIds is { Length: > 0 } definitionIds) query = query.Where(i => definitionIds.Contains(i.DefinitionId));
        if (!string.IsNullOrWhiteSpace(request.CorrelationId)) query = query.Where(i => i.CorrelationId == request.CorrelationId);
        if (!string.IsNullOrWhiteSpace(request.Name)) query = query.Where(i => i.Name == request.Name);
        if (request.Version is { } version) query = query.Where(i => i.Version == version);
        if (request.HasIncidents is { } hasIncidents) query = query.Where(i => (i.IncidentCount > 0) == hasIncidents);
        if (statuses.Count > 0) query = query.Where(i => statuses.Contains(i.Status));
        if (subStatuses.Count > 0) query = query.Where(i => subStatuses.Contains(i.SubStatus));
        if (!string.IsNullOrWhiteSpace(request.SearchTerm))
        {
            var term = request.SearchTerm.Trim();
            query = query.Where(i => i.Id == term || i.DefinitionId.Contains(term)
                || (i.Name != null && i.Name.Contains(term)) || (i.CorrelationId != null && i.CorrelationId.Contains(term)));
        }

        // Elsa's default: newest first; by name, A to Z.
        var orderBy = request.OrderBy?.ToLowerInvariant();
        var ascending = request.OrderDirection is { } direction
            ? string.Equals(direction, "Ascending", StringComparison.OrdinalIgnoreCase)
            : orderBy == "name";
        query = orderBy switch
        {
            "updatedat" or "updated" => ascending ? query.OrderBy(i => i.UpdatedAt) : query.OrderByDescending(i => i.UpdatedAt),
            "finished" or "finishedat" => ascending ? query.OrderBy(i => i.FinishedAt) : query.OrderByDescending(i => i.FinishedAt),
            "name" => ascending ? query.OrderBy(i => i.Name) : query.OrderByDescending(i => i.Name),
            _ => ascending ? query.OrderBy(i => i.CreatedAt) : query.OrderByDescending(i => i.CreatedAt),
        };
        query = ascending ? ((IOrderedQueryable<WorkflowInstanceRecord>)query).ThenBy(i => i.Id) : ((IOrderedQueryable<WorkflowInstanceRecord>)query).ThenByDescending(i => i.Id);

        var total = await query.LongCountAsync(ct);
        if (request.PageSize is { } size) query = query.Skip((request.Page ?? 0) * size).Take(size);
        var items = await query
            .Select(i => new WorkflowInstanceSummary(i.Id, i.DefinitionId, i.DefinitionVersionId, i.Version, i.Status, i.SubStatus,
                i.CorrelationId, i.Name, i.IncidentCount, i.CreatedAt, i.UpdatedAt, i.FinishedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedListResponse<WorkflowInstanceSummary>(items, total));
    }

    private static async Task<Results<Ok<WorkflowInstanceModel>, ProblemHttpResult>> GetInstance(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        WorkflowInstanceRecord? instance;
        await using (var db = await services.DbFactory.CreateDbContextAsync(ct))
            instance = await scope.Visible(db.Instances.AsNoTracking()).FirstOrDefaultAsync(i => i.Id == id, ct);
        if (instance is null)
            return NotFound("Workflow instance not found", $"Workflow instance '{id}' does not exist.");

        var state = JsonSerializer.Deserialize<WorkflowState>(instance.State, StateJson)!;
        return TypedResults.Ok(new WorkflowInstanceModel(
            instance.Id, instance.DefinitionId, instance.DefinitionVersionId, instance.Version,
            ElsaWorkflowState.From(state),
            instance.Status, instance.SubStatus, instance.CorrelationId, instance.Name,
            IsExecuting: false, instance.IncidentCount, IsSystem: false,
            instance.CreatedAt, instance.UpdatedAt, instance.FinishedAt));
    }

    /// <summary>
    /// The journal in sequence order. An instance out of scope is a 404; so is an unknown one (Elsa
    /// answers an empty journal), so that the answer does not tell another school's ids apart.
    /// </summary>
    private static async Task<Results<Ok<PagedListResponse<ExecutionLogRecord>>, ProblemHttpResult>> GetJournal(
        string id, JournalFilter? filter, JournalQuery paging, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        if (!await scope.SeesInstanceAsync(id, ct)) return NotFound("Workflow instance not found", $"Workflow instance '{id}' does not exist.");
        await using var db = await services.DbFactory.CreateDbContextAsync(ct);
        var query = db.Journal.AsNoTracking().Where(j => j.WorkflowInstanceId == id);
        if (filter?.ActivityIds is { Length: > 0 } activityIds) query = query.Where(j => j.ActivityId != null && activityIds.Contains(j.ActivityId));
        if (filter?.ActivityNodeIds is { Length: > 0 } nodeIds) query = query.Where(j => j.NodeId != null && nodeIds.Contains(j.NodeId));
        if (filter?.ExcludedActivityTypes is { Length: > 0 } excluded) query = query.Where(j => j.ActivityType == null || !excluded.Contains(j.ActivityType));
        if (filter?.EventNames is { Length: > 0 } eventNames) query = query.Where(j => eventNames.Contains(j.EventName));

        var total = await query.LongCountAsync(ct);
        query = query.OrderBy(j => j.Sequence);
        var skip = paging.Skip ?? (paging.Page is { } page && paging.PageSize is { } pageSize ? page * pageSize : 0);
        var take = paging.Take ?? paging.PageSize;
        if (skip > 0) query = query.Skip(skip);
        if (take is { } t) query = query.Take(t);

        var rows = await query.ToListAsync(ct);
        var items = rows.Select(j => new ExecutionLogRecord(
            j.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), j.ActivityInstanceId, j.ActivityId, j.ActivityType,
            j.ActivityType is null ? null : 1, j.ActivityName, j.NodeId, j.Timestamp, j.Sequence, j.EventName, j.Message,
            j.Payload is null ? null : JsonNode.Parse(j.Payload))).ToList();
        return TypedResults.Ok(new PagedListResponse<ExecutionLogRecord>(items, total));
    }

    /// <summary>The activity executions of one instance; an instance out of scope (or unknown) is a 404.</summary>
    private static async Task<Results<Ok<ListResponse<ActivityExecutionModel>>, ProblemHttpResult, ValidationProblem>> ListActivityExecutions(
        [AsParameters] ActivityExecutionsQuery query, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(query.WorkflowInstanceId)) return Invalid("workflowInstanceId", "workflowInstanceId is required.");
        if (!await scope.SeesInstanceAsync(query.WorkflowInstanceId, ct))
            return NotFound("Workflow instance not found", $"Workflow instance '{query.WorkflowInstanceId}' does not exist.");

        await using var db = await services.DbFactory.CreateDbContextAsync(ct);
        var records = db.ActivityExecutions.AsNoTracking().Where(a => a.WorkflowInstanceId == query.WorkflowInstanceId);
        if (!string.IsNullOrWhiteSpace(query.ActivityNodeId)) records = records.Where(a => a.NodeId == query.ActivityNodeId);
        var rows = await records.OrderBy(a => a.StartedAt).ThenBy(a => a.Id).ToListAsync(ct);
        var items = rows.Select(a => new ActivityExecutionModel(
            a.Id, a.WorkflowInstanceId, a.ActivityId, a.NodeId, a.ActivityType, a.ActivityTypeVersion, a.ActivityName,
            // Never null: the instance viewer keeps polling a record whose state, outputs and exception are all empty.
            a.ActivityState is null ? new JsonObject() : JsonNode.Parse(a.ActivityState) ?? new JsonObject(),
            a.Outputs is null ? null : JsonNode.Parse(a.Outputs),
            new JsonObject(), new JsonObject(),
            ExceptionState(a.Exception),
            a.StartedAt, a.HasBookmarks, a.Status, a.Status == nameof(ActivityStatus.Faulted) ? 1 : 0, a.CompletedAt)).ToList();
        return TypedResults.Ok(new ListResponse<ActivityExecutionModel>(items, items.Count));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static ListResponse<T> List<T>(IReadOnlyList<T> items) => new(items, items.Count);

    private static bool Contains(string? text, string term) => text?.Contains(term, StringComparison.CurrentCultureIgnoreCase) == true;

    /// <summary>The engine records an exception as "Type: message".</summary>
    private static ElsaExceptionState? ExceptionState(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !text[..colon].Contains(' ')
            ? new ElsaExceptionState(text[..colon], text[(colon + 2)..], null)
            : new ElsaExceptionState(null, text, null);
    }

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

    private static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    private static ProblemHttpResult Forbidden(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: title);

    private static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    private static ValidationProblem Invalid(string key, string problem) => Invalid(key, [problem]);

    private static ValidationProblem Invalid(string key, IReadOnlyList<string> problems, string title = "The request is not valid.") =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [key] = problems.ToArray() }, detail: string.Join(" ", problems), title: title);
}
