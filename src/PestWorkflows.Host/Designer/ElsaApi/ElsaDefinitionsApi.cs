using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;
using static PestWorkflows.Host.Designer.ElsaProblems;

using PestWorkflows.Host.Api;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// Elsa's workflow definitions: list, read, save, publish, retract, revert, delete, export, import,
/// execute and the bulk actions, within the caller's school (<see cref="DesignerScope"/>). Another
/// school's definitions are left out of lists and bulk actions and are a 404 everywhere else; shared
/// definitions are read-only (403 on every change, and no <c>publish</c> link, so the Studio shows
/// them read-only).
/// </summary>
public static class ElsaDefinitionsApi
{
    /// <summary>The schema Elsa names in an exported definition; the Studio's importer recognises a definition file by it.</summary>
    private const string WorkflowDefinitionSchema = "https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json";

    public static RouteGroupBuilder MapElsaDefinitions(this RouteGroupBuilder api)
    {
        var definitions = api.MapGroup("/workflow-definitions");
        definitions.MapGet("/", ListDefinitions).WithName("ElsaListWorkflowDefinitions");
        definitions.MapGet("/validation/is-name-unique", IsNameUnique).WithName("ElsaIsWorkflowDefinitionNameUnique");
        definitions.MapGet("/by-definition-id/{definitionId}", GetDefinition).WithName("ElsaGetWorkflowDefinitionByDefinitionId");
        definitions.MapGet("/by-id/{id}", GetDefinitionVersion).WithName("ElsaGetWorkflowDefinitionById");
        definitions.MapGet("/{definitionId}", GetDefinition).WithName("ElsaGetWorkflowDefinition");
        definitions.MapGet("/{definitionId}/export", ExportDefinition).WithName("ElsaExportWorkflowDefinition");
        definitions.MapPost("/", SaveDefinition).WithName("ElsaSaveWorkflowDefinition").WithRequestBodyLimit(RequestBodyLimits.DefinitionSave);
        definitions.MapPost("/import", ImportDefinition).WithName("ElsaImportWorkflowDefinition");
        definitions.MapPost("/{definitionId}/publish", PublishDefinition).WithName("ElsaPublishWorkflowDefinition");
        definitions.MapPost("/{definitionId}/retract", RetractDefinition).WithName("ElsaRetractWorkflowDefinition");
        definitions.MapPost("/{definitionId}/revert/{version:int}", RevertDefinition).WithName("ElsaRevertWorkflowDefinition");
        definitions.MapDelete("/{definitionId}", DeleteDefinition).WithName("ElsaDeleteWorkflowDefinition");
        definitions.MapPost("/{definitionId}/execute", ExecuteDefinition).WithName("ElsaExecuteWorkflowDefinition");

        var bulk = api.MapGroup("/bulk-actions");
        bulk.MapPost("/publish/workflow-definitions/by-definition-ids", BulkPublish).WithName("ElsaBulkPublishWorkflowDefinitions");
        bulk.MapPost("/retract/workflow-definitions/by-definition-ids", BulkRetract).WithName("ElsaBulkRetractWorkflowDefinitions");
        bulk.MapPost("/delete/workflow-definitions/by-definition-id", BulkDelete).WithName("ElsaBulkDeleteWorkflowDefinitions");
        return api;
    }

    // ---- reading -----------------------------------------------------------------------------

    private static async Task<Results<Ok<WorkflowDefinitionList>, ValidationProblem>> ListDefinitions(
        [AsParameters] ListWorkflowDefinitionsQuery query, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (!VersionFilter.TryParse(query.VersionOptions, out var filter)) return Invalid("versionOptions", VersionFilter.Problem);
        if (query.Page < 0 || query.PageSize < 0) return Invalid("page", "page and pageSize must not be negative.");

        IReadOnlyList<WorkflowDefinitionRecord> records = scope.TenantId is { } tenantId
            ? await services.Definitions.ListAsync(tenantId, VersionOptions.All, ct)
            : [];
        IEnumerable<WorkflowDefinitionRecord> matches = records.Where(filter.Matches);
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
        var items = page.Select(r => WorkflowDefinitionModels.ToSummary(r, scope.MayChange(r.TenantId))).ToList();
        return TypedResults.Ok(new WorkflowDefinitionList(items, all.Count, query.Page, query.PageSize, WorkflowDefinitionModels.ListLinks));
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult, ValidationProblem>> GetDefinition(
        string definitionId, string? versionOptions, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (match, problem) = await FindAsync(definitionId, versionOptions, scope, services, ct);
        if (problem is not null) return problem;
        return match is null
            ? NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' has no version matching '{versionOptions ?? "Latest"}'.")
            : TypedResults.Ok(WorkflowDefinitionModels.ToModel(match, scope.MayChange(match.TenantId)));
    }

    /// <summary>The version of a definition the options select (Elsa's default: the latest).</summary>
    private static async Task<(WorkflowDefinitionRecord? Match, ValidationProblem? Problem)> FindAsync(
        string definitionId, string? versionOptions, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        if (!VersionFilter.TryParse(string.IsNullOrWhiteSpace(versionOptions) ? "Latest" : versionOptions, out var filter))
            return (null, Invalid("versionOptions", VersionFilter.Problem));
        if (scope.TenantId is not { } tenantId) return (null, null);
        var versions = await services.Definitions.VersionsAsync(tenantId, definitionId, ct);
        return (versions.Where(filter.Matches).MaxBy(v => v.Version), null);
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetDefinitionVersion(
        string id, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var record = scope.TenantId is { } tenantId ? await services.Definitions.FindVersionAsync(tenantId, id, ct) : null;
        return record is null
            ? NotFound("Workflow definition not found", $"Workflow definition version '{id}' does not exist.")
            : TypedResults.Ok(WorkflowDefinitionModels.ToModel(record, scope.MayChange(record.TenantId)));
    }

    /// <summary>
    /// Whether no definition the school sees (its own and the shared ones) has this name; the
    /// definition being renamed (<c>definitionId</c>) does not count.
    /// </summary>
    private static async Task<Results<Ok<IsNameUniqueResponse>, ValidationProblem>> IsNameUnique(
        string? name, string? definitionId, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) return Invalid("name", "name is required.");
        var unique = scope.TenantId is { } tenantId && await services.Definitions.IsNameUniqueAsync(tenantId, name, definitionId, ct);
        return TypedResults.Ok(new IsNameUniqueResponse(unique));
    }

    /// <summary>The definition version as a JSON file (Elsa's <c>WorkflowDefinitionModel</c>), to import elsewhere.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult, ValidationProblem>> ExportDefinition(
        string definitionId, string? versionOptions, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (match, problem) = await FindAsync(definitionId, versionOptions, scope, services, ct);
        if (problem is not null) return problem;
        if (match is null) return DefinitionNotFound(definitionId);
        var model = new JsonObject { ["$schema"] = WorkflowDefinitionSchema };
        foreach (var (key, value) in WorkflowDefinitionModels.ToModel(match, editable: false))
            if (key != "links") model[key] = value?.DeepClone();
        var bytes = Encoding.UTF8.GetBytes(model.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return TypedResults.File(bytes, "application/json", $"{FileName(match.Name ?? match.DefinitionId)}.json");
    }

    // ---- changing ----------------------------------------------------------------------------

    /// <summary>
    /// Saves the draft (a new draft version when the latest is published) and, with
    /// <c>publish: true</c>, publishes it. Without a <c>definitionId</c> the server gives the new
    /// definition one. An invalid definition is refused with every problem named under <c>errors</c>
    /// and nothing stored. The owner is the server's to set (<see cref="DesignerScope.CheckChangeAsync"/>):
    /// a new definition becomes the caller's school's (whatever <c>tenantId</c> the body names); a shared
    /// one or a reserved id is a 403 and another school's definition id a 404, with nothing stored.
    /// </summary>
    private static async Task<Results<Ok<SaveWorkflowDefinitionResponse>, ProblemHttpResult, ValidationProblem>> SaveDefinition(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        JsonObject body;
        try
        {
            // Read by hand so that malformed JSON gets the same answer as an invalid definition.
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
        return await SaveAsync(request.HttpContext, model, publish, scope, services, ct);
    }

    /// <summary>Imports an exported definition (Elsa's <c>WorkflowDefinitionModel</c>) as a draft; answers the stored version.</summary>
    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult, ValidationProblem>> ImportDefinition(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (model, errors) = await Api.JsonBody.ReadAsync<JsonObject>(request, ct);
        if (errors is not null) return Invalid(errors, "The request body is not valid JSON.");
        model!.Remove("links");
        model.Remove("$schema");
        var saved = await SaveAsync(request.HttpContext, model, publish: false, scope, services, ct);
        return saved.Result switch
        {
            Ok<SaveWorkflowDefinitionResponse> ok => TypedResults.Ok(ok.Value!.WorkflowDefinition),
            ProblemHttpResult problem => problem,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("Unexpected save result."),
        };
    }

    private static async Task<Results<Ok<SaveWorkflowDefinitionResponse>, ProblemHttpResult, ValidationProblem>> SaveAsync(
        HttpContext http, JsonObject model, bool publish, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        var definitionId = (model["definitionId"] as JsonValue)?.TryGetValue<string>(out var id) == true && !string.IsNullOrWhiteSpace(id) ? id : null;
        if (Refuse(await scope.CheckChangeAsync(definitionId, ct), definitionId) is { } refused) return refused;
        if (definitionId is null) model.Remove("definitionId"); // the store gives it one

        var problems = DefinitionValidator.Validate(model, services.Activities);
        if (problems.Count > 0) return Invalid(problems, InvalidDefinitionTitle);
        try
        {
            var saved = await services.Definitions.SaveDraftAsync(scope.TenantId!, model, ct);
            if (publish)
                saved = (await services.Definitions.PublishAsync(scope.TenantId!, saved.DefinitionId, ct))?.Definition ?? saved;
            await AuditAsync(http, publish ? AuditActions.DefinitionPublished : AuditActions.DefinitionSaved, saved.DefinitionId, ct);
            var warnings = BackwardConnectionCheck.Find(services.Definitions.Materialize(saved));
            return TypedResults.Ok(new SaveWorkflowDefinitionResponse(WorkflowDefinitionModels.ToModel(saved, editable: true), false, 0, warnings));
        }
        catch (WorkflowDefinitionException e)
        {
            return Invalid("model", e.Problems, InvalidDefinitionTitle);
        }
        catch (DefinitionOfOtherTenantException)
        {
            // Another school or the shared definitions took the id between the check and the save.
            return DefinitionNotFound(definitionId);
        }
    }

    private static async Task<Results<Ok<SaveWorkflowDefinitionResponse>, ProblemHttpResult, ValidationProblem>> PublishDefinition(
        string definitionId, HttpContext http, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (Refuse(await scope.CheckChangeAsync(definitionId, ct), definitionId) is { } refused) return refused;
        try
        {
            var result = await services.Definitions.PublishAsync(scope.TenantId!, definitionId, ct);
            if (result is not { } published) return DefinitionNotFound(definitionId);
            if (!published.AlreadyPublished) await AuditAsync(http, AuditActions.DefinitionPublished, definitionId, ct);
            return TypedResults.Ok(new SaveWorkflowDefinitionResponse(
                WorkflowDefinitionModels.ToModel(published.Definition, editable: true), published.AlreadyPublished, 0, []));
        }
        catch (WorkflowDefinitionException e)
        {
            return Invalid("model", e.Problems, InvalidDefinitionTitle);
        }
    }

    /// <summary>
    /// Takes the published version back (Elsa's "Unpublish"): new cases cannot start on it, running ones
    /// go on. Answers the retracted version, as Elsa does; 400 when nothing is published.
    /// </summary>
    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult, ValidationProblem>> RetractDefinition(
        string definitionId, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (Refuse(await scope.CheckChangeAsync(definitionId, ct), definitionId) is { } refused) return refused;
        var result = await services.Definitions.RetractAsync(scope.TenantId!, definitionId, ct);
        if (result is not { } retracted) return DefinitionNotFound(definitionId);
        if (retracted.AlreadyRetracted) return Invalid("definitionId", $"Workflow '{definitionId}' is niet gepubliceerd.");
        return TypedResults.Ok(WorkflowDefinitionModels.ToModel(retracted.Definition, editable: true));
    }

    /// <summary>
    /// Makes an earlier version the latest draft again (the Studio's version history, "Revert"):
    /// 201 with the new latest version's summary, as Elsa. Publishing it is a separate step.
    /// </summary>
    private static async Task<Results<Created<WorkflowDefinitionSummary>, ProblemHttpResult, ValidationProblem>> RevertDefinition(
        string definitionId, int version, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        if (Refuse(await scope.CheckChangeAsync(definitionId, ct), definitionId) is { } refused) return refused;
        try
        {
            var reverted = await services.Definitions.RevertAsync(scope.TenantId!, definitionId, version, ct);
            if (reverted is null)
                return NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' has no version {version}.");
            return TypedResults.Created($"/elsa/api/workflow-definitions/by-id/{reverted.Id}", WorkflowDefinitionModels.ToSummary(reverted, editable: true));
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
        return await DeleteAsync(definitionId, scope, services, ct) switch
        {
            DefinitionDeletion.Deleted => TypedResults.NoContent(),
            DefinitionDeletion.InstancesRunning => Conflict("Workflow niet verwijderd",
                $"Er lopen nog instanties van '{definitionId}'. Rond ze af of annuleer ze eerst."),
            null => Conflict("Pestprotocol blijft bestaan",
                "Dit is het pestprotocol van je school: nieuwe meldingen lopen erdoor. Je kunt het wijzigen, maar niet verwijderen."),
            _ => DefinitionNotFound(definitionId),
        };
    }

    /// <summary>Deletes a definition the designer may change; null for the school's own protocol, which stays.</summary>
    private static async Task<DefinitionDeletion?> DeleteAsync(string definitionId, DesignerScope scope, ElsaServices services, CancellationToken ct) =>
        definitionId == Schools.SchoolProtocols.CopyIdOf(scope.TenantId!)
            ? null
            : await services.Definitions.DeleteAsync(scope.TenantId!, definitionId, ct);

    // ---- bulk actions ------------------------------------------------------------------------

    /// <summary>
    /// The definitions live in the engine's store, not in the school's context: the audit line follows the
    /// committed change in the request's context, one insert.
    /// </summary>
    private static async Task AuditAsync(HttpContext http, string action, string definitionId, CancellationToken ct)
    {
        var services = http.RequestServices;
        if (await services.GetRequiredService<StaffAccessor>().GetAsync(http.User) is not { } staff) return;
        await services.GetRequiredService<AuditTrail>().RecordAsync(services.GetRequiredService<AppDbContext>(), staff, action, AuditResource.Definition(definitionId), ct);
    }

    /// <summary>
    /// Publishes the latest version of each definition; another school's is not found, a shared or an
    /// invalid one is skipped (left as it is). Nothing consumes another definition here, so
    /// <c>updatedConsumers</c>, which the Studio reads, is always empty.
    /// </summary>
    private static async Task<Results<Ok<BulkPublishResponse>, ValidationProblem>> BulkPublish(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (body, errors) = await Api.JsonBody.ReadAsync<BulkDefinitionsRequest>(request, ct);
        if (errors is not null) return Invalid(errors, "The request body is not valid JSON.");
        List<string> published = [], alreadyPublished = [], notFound = [], skipped = [];
        foreach (var definitionId in Distinct(body!.DefinitionIds))
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
                if (result is { AlreadyPublished: false }) await AuditAsync(request.HttpContext, AuditActions.DefinitionPublished, definitionId, ct);
            }
            catch (WorkflowDefinitionException)
            {
                skipped.Add(definitionId);
            }
        }
        return TypedResults.Ok(new BulkPublishResponse(published, alreadyPublished, notFound, [], skipped));
    }

    private static async Task<Results<Ok<BulkRetractResponse>, ValidationProblem>> BulkRetract(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (body, errors) = await Api.JsonBody.ReadAsync<BulkDefinitionsRequest>(request, ct);
        if (errors is not null) return Invalid(errors, "The request body is not valid JSON.");
        List<string> retracted = [], alreadyRetracted = [], notFound = [];
        foreach (var definitionId in Distinct(body!.DefinitionIds))
        {
            var result = await scope.CheckChangeAsync(definitionId, ct) == DefinitionChange.Allowed
                ? await services.Definitions.RetractAsync(scope.TenantId!, definitionId, ct)
                : null;
            (result is null ? notFound : result.Value.AlreadyRetracted ? alreadyRetracted : retracted).Add(definitionId);
        }
        return TypedResults.Ok(new BulkRetractResponse(retracted, alreadyRetracted, notFound));
    }

    /// <summary>Deletes each definition the designer may delete; the rest (shared, the school's protocol, with running instances) stay.</summary>
    private static async Task<Results<Ok<BulkDeleteResponse>, ValidationProblem>> BulkDelete(
        HttpRequest request, DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (body, errors) = await Api.JsonBody.ReadAsync<BulkDefinitionsRequest>(request, ct);
        if (errors is not null) return Invalid(errors, "The request body is not valid JSON.");
        var deleted = 0;
        foreach (var definitionId in Distinct(body!.DefinitionIds))
            if (await scope.CheckChangeAsync(definitionId, ct) == DefinitionChange.Allowed
                && await DeleteAsync(definitionId, scope, services, ct) == DefinitionDeletion.Deleted)
                deleted++;
        return TypedResults.Ok(new BulkDeleteResponse(deleted));
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
            ? InstanceNotFound(result.InstanceId!)
            : TypedResults.Ok(new ExecuteWorkflowResponse(ElsaWorkflowState.From(state)));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static IEnumerable<string> Distinct(string[]? ids) =>
        (ids ?? []).Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal);

    private static bool Contains(string? text, string term) => text?.Contains(term, StringComparison.CurrentCultureIgnoreCase) == true;

    private static string FileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '-' : c).ToArray()).Trim('-');
        return safe.Length == 0 ? "workflow" : safe;
    }
}
