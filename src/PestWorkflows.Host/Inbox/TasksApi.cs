using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Inbox;

public sealed record TaskQuery(bool? AssignedToMe, bool? Overdue, string? CaseId);

/// <summary>The inbox: open tasks, claiming, releasing, assigning and completing them.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tasks").WithTags("Taken").RequireAuthorization(Policies.Staff).WithRequestBodyLimit(RequestBodyLimits.StaffApi);
        api.MapGet("/", ListTasks).WithName("ListTasks").WithSummary("Open taken die je mag uitvoeren.");
        api.MapGet("/{id}", GetTask).WithName("GetTask");
        api.MapPost("/{id}/claim", Claim).WithName("ClaimTask").WithSummary("Neem een taak van je rol op je.");
        api.MapPost("/{id}/release", Release).WithName("ReleaseTask").WithSummary("Geef een opgepakte taak terug aan de rol.");
        api.MapPost("/{id}/assign", Assign).WithName("AssignTask").WithSummary("Wijs een taak toe aan een medewerker of een rol.");
        api.MapPost("/{id}/complete", Complete).WithName("CompleteTask").WithSummary("Rond een taak af (zelfde als Elsa's route, zie Designer/ElsaApi).");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<TaskDto>>, UnauthorizedHttpResult>> ListTasks(
        [AsParameters] TaskQuery query, HttpContext http, StaffAccessor staffAccessor, TaskService tasks, CaseService cases, TimeProvider clock, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        var now = clock.GetUtcNow();
        var q = tasks.ActionableBy(staff).Include(t => t.History).AsNoTracking();
        if (query.AssignedToMe == true) q = q.Where(t => t.AssigneeUserId == staff.Id);
        if (query.CaseId is { Length: > 0 } caseId) q = q.Where(t => t.CaseId == caseId);
        var list = await q.ToListAsync(ct);
        if (query.Overdue == true) list = list.Where(t => t.DueAt is { } due && due <= now).ToList();
        var mapper = new TaskMapper(await cases.NamesAsync(staff.SchoolId, ct), await cases.StaffOptionsAsync(staff.SchoolId, ct), now);
        return TypedResults.Ok<IReadOnlyList<TaskDto>>(list.OrderBy(t => t.DueAt ?? DateTimeOffset.MaxValue).ThenByDescending(t => t.Priority).ThenBy(t => t.CreatedAt)
            .Select(t => mapper.Map(t, null)).ToList());
    }

    private static async Task<Results<Ok<TaskDto>, ProblemHttpResult, UnauthorizedHttpResult>> GetTask(
        string id, HttpContext http, StaffAccessor staffAccessor, TaskService tasks, CaseService cases, TimeProvider clock, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        var task = await tasks.FindAsync(staff, id, ct);
        if (task is null || (!TaskService.MayAct(staff, task) && await cases.GetAsync(staff, task.CaseId, ct) is null))
            return TypedResults.Problem(Problems.NotFound("Deze taak bestaat niet."));
        var caseDto = await cases.GetAsync(staff, task.CaseId, ct);
        var mapper = new TaskMapper(await cases.NamesAsync(staff.SchoolId, ct), await cases.StaffOptionsAsync(staff.SchoolId, ct), clock.GetUtcNow());
        return TypedResults.Ok(mapper.Map(task, caseDto?.OpenTasks.FirstOrDefault(t => t.Id == id)?.Summary));
    }

    private static Task<IResult> Claim(string id, HttpContext http, StaffAccessor staffAccessor, TaskService tasks, CancellationToken ct) =>
        RunAsync(http, staffAccessor, staff => tasks.ClaimAsync(staff, id, ct));

    private static Task<IResult> Release(string id, HttpContext http, StaffAccessor staffAccessor, TaskService tasks, CancellationToken ct) =>
        RunAsync(http, staffAccessor, staff => tasks.ReleaseAsync(staff, id, ct));

    private static async Task<IResult> Assign(string id, HttpContext http, StaffAccessor staffAccessor, TaskService tasks, CancellationToken ct)
    {
        var (request, errors) = await JsonBody.ReadAsync<AssignTaskRequest>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return await RunAsync(http, staffAccessor, staff => tasks.AssignAsync(staff, id, request!, ct));
    }

    private static async Task<IResult> Complete(string id, HttpContext http, StaffAccessor staffAccessor, TaskService tasks, CancellationToken ct)
    {
        var (body, errors) = await JsonBody.ReadAsync<JsonObject>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "De taak kon niet worden gelezen.");
        return await RunAsync(http, staffAccessor, staff => tasks.CompleteAsync(staff, id, body!["result"] as JsonObject, ct));
    }

    /// <summary>Maps a task operation to HTTP: 200, 400 with field errors, 403, 404 or 409.</summary>
    internal static async Task<IResult> RunAsync(HttpContext http, StaffAccessor staffAccessor, Func<Staff, Task<TaskOperationResult>> operation)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        var result = await operation(staff);
        return result.Failure switch
        {
            TaskFailure.None => TypedResults.Ok(),
            TaskFailure.NotFound => TypedResults.Problem(Problems.NotFound(result.Message!)),
            TaskFailure.Forbidden => TypedResults.Problem(Problems.Forbidden(result.Message!)),
            TaskFailure.NotOpen => TypedResults.Problem(Problems.Conflict(result.Message!)),
            _ => TypedResults.ValidationProblem(result.Errors ?? new(), title: result.Message),
        };
    }

    /// <summary>Whether a task id belongs to the protocol's tasks (the rest are Elsa RunTask tasks).</summary>
    internal static Task<bool> IsCaseTaskAsync(AppDbContext db, string taskId, CancellationToken ct) => db.Tasks.AnyAsync(t => t.Id == taskId, ct);
}
