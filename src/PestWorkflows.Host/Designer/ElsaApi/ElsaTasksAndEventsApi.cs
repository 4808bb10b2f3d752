using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Inbox;
using static PestWorkflows.Host.Designer.ElsaProblems;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// Elsa's task and event routes: completing a task (<c>/elsa/api/tasks/{id}/complete</c>, open to all
/// staff, so Elsa clients complete protocol tasks as they would on Elsa) and triggering an event
/// (designers only).
/// </summary>
public static class ElsaTasksAndEventsApi
{
    /// <summary>The task route, for any staff member: a protocol task goes through the inbox's rules.</summary>
    public static IEndpointRouteBuilder MapElsaTasks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/elsa/api/tasks/{id}/complete", CompleteTask).WithTags("Elsa").RequireAuthorization(Policies.Staff)
            .WithRequestBodyLimit(RequestBodyLimits.StaffApi).WithName("ElsaCompleteTask");
        return app;
    }

    /// <summary>The event route, in the designers' group.</summary>
    public static RouteGroupBuilder MapElsaEvents(this RouteGroupBuilder api)
    {
        api.MapPost("/events/{eventName}/trigger", TriggerEvent).WithName("ElsaTriggerEvent");
        return api;
    }

    /// <summary>A protocol task goes through the inbox's rules; any other id is an Elsa RunTask,
    /// which only those who may use the designer complete, and only in instances they see.</summary>
    private static async Task<IResult> CompleteTask(string id, Staff staff, HttpContext http, TaskService tasks, AppDbContext db,
        DesignerScope scope, [AsParameters] ElsaServices services, CancellationToken ct)
    {
        var (body, errors) = await JsonBody.ReadAsync<JsonObject>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "De taak kon niet worden gelezen.");
        if (await TasksApi.IsCaseTaskAsync(db, id, ct))
            return TasksApi.ToHttp(await tasks.CompleteAsync(staff, id, body!["result"] as JsonObject, ct));
        if (!staff.IsCoordinator && !staff.IsAdmin) return TypedResults.Problem(Problems.NotFound("Deze taak bestaat niet."));
        return await CompleteRunTask(id, body!["result"]?.DeepClone(), scope, services, ct);
    }

    /// <summary>Completes an <c>Elsa.RunTask</c>: 200 when applied, 404 for an unknown task (or one of
    /// another school), 409 when it was completed already.</summary>
    private static async Task<Results<Ok, ProblemHttpResult>> CompleteRunTask(
        string taskId, JsonNode? result, DesignerScope scope, ElsaServices services, CancellationToken ct)
    {
        if (scope.TenantId is null) return NotFound("Task not found", $"Task '{taskId}' does not exist.");
        WorkflowRunResult run;
        try
        {
            run = await services.Runtime.CompleteTaskAsync(scope.TenantId, taskId, result, actor: null, ct);
        }
        catch (Exception e) when (e is WorkflowStateException or BookmarkNotFoundException)
        {
            return Conflict("Task not completed", e.Message);
        }
        return run.Outcome switch
        {
            RunOutcome.Applied => TypedResults.Ok(),
            RunOutcome.NotFound => NotFound("Task not found", run.Message ?? $"Task '{taskId}' does not exist."),
            _ => Conflict("Task not completed", run.Message ?? $"Task '{taskId}' was completed already."),
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
}
