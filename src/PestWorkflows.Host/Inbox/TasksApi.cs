using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Inbox;

/// <summary>The inbox's filters on the API: <c>view</c> is waiting (default), mine, role, overdue, today or all
/// (all open tasks of the school, for the coordinator and the leader); <c>page</c> from 1, <c>pageSize</c> up to 200.</summary>
public sealed record TaskQuery(string? View, bool? AssignedToMe, bool? Overdue, string? CaseId, int? Page, int? PageSize);

/// <summary>The inbox: open tasks, claiming, releasing, assigning and completing them.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tasks").WithTags("Taken").RequireAuthorization(Policies.Staff).WithRequestBodyLimit(RequestBodyLimits.StaffApi);
        api.MapGet("/", ListTasks).WithName("ListTasks").WithSummary("Open taken die op je wachten, of (view) een ander filter van de inbox.");
        api.MapGet("/{id}", GetTask).WithName("GetTask");
        api.MapPost("/{id}/claim", Claim).WithName("ClaimTask").WithSummary("Neem een taak van je rol op je.");
        api.MapPost("/{id}/release", Release).WithName("ReleaseTask").WithSummary("Geef een opgepakte taak terug aan de rol.");
        api.MapPost("/{id}/assign", Assign).WithName("AssignTask").WithSummary("Wijs een taak toe aan een medewerker of een rol, met een reden.");
        api.MapPost("/{id}/complete", Complete).WithName("CompleteTask").WithSummary("Rond een taak af (zelfde als Elsa's route, zie Designer/ElsaApi).");
        return app;
    }

    /// <summary>The API's page when the caller names none.</summary>
    public const int DefaultApiPageSize = 100;

    /// <summary>Names of <see cref="InboxView"/> on the API.</summary>
    public static readonly IReadOnlyDictionary<string, InboxView> Views = new Dictionary<string, InboxView>(StringComparer.OrdinalIgnoreCase)
    {
        ["waiting"] = InboxView.Waiting, ["mine"] = InboxView.Mine, ["role"] = InboxView.Role,
        ["overdue"] = InboxView.Overdue, ["today"] = InboxView.DueToday, ["all"] = InboxView.All,
    };

    /// <summary>One page of the inbox, the earliest deadline first; the answer stays an array, and
    /// <c>X-Total-Count</c> says how many tasks the view holds.</summary>
    private static async Task<Results<Ok<IReadOnlyList<TaskDto>>, ValidationProblem>> ListTasks(
        [AsParameters] TaskQuery query, Staff staff, HttpContext http, InboxService inbox, CaseService cases, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var view = query.AssignedToMe == true ? InboxView.Mine : query.Overdue == true ? InboxView.Overdue : InboxView.Waiting;
        if (query.View is { Length: > 0 } name && !Views.TryGetValue(name, out view))
            errors["view"] = [$"Kies een van: {string.Join(", ", Views.Keys)}."];
        if (query.Page < 1) errors["page"] = ["De pagina begint bij 1."];
        if (query.PageSize is < 1 or > InboxService.MaxPageSize) errors["pageSize"] = [$"Kies tussen 1 en {InboxService.MaxPageSize} taken per pagina."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Het filter klopt niet.");

        InboxPage result;
        if (query.CaseId is { Length: > 0 } caseId)
        {
            // The open tasks of one case, within the view: small, so one page holds them.
            var items = await inbox.Query(staff, view).Where(t => t.CaseId == caseId).Include(t => t.History).AsNoTracking()
                .OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenByDescending(t => t.Priority).ThenBy(t => t.CreatedAt).ToListAsync(ct);
            result = new InboxPage(items, items.Count, 1, Math.Max(1, items.Count));
        }
        else result = await inbox.PageAsync(staff, view, query.Page ?? 1, query.PageSize ?? DefaultApiPageSize, ct);
        http.Response.Headers["X-Total-Count"] = result.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var names = await cases.NamesAsync(staff, result.Items.SelectMany(CaseService.PeopleOf), ct);
        var mapper = await cases.TaskMapperAsync(staff.SchoolId, result.Items, names, ct);
        return TypedResults.Ok<IReadOnlyList<TaskDto>>(result.Items.Select(t => mapper.Map(t)).ToList());
    }

    private static async Task<Results<Ok<TaskDto>, ProblemHttpResult>> GetTask(
        string id, Staff staff, HttpContext http, IAuthorizationService authorization, TaskService tasks, CaseService cases, TimeProvider clock, CancellationToken ct)
    {
        var task = await tasks.FindAsync(staff, id, ct);
        if (task is null || !(await authorization.AuthorizeAsync(http.User, task, AccessOperations.SeeTask)).Succeeded)
            return TypedResults.Problem(Problems.NotFound("Deze taak bestaat niet."));
        var caseDto = await cases.GetAsync(staff, task.CaseId, ct);
        var mapper = new TaskMapper(await cases.NamesAsync(staff.SchoolId, ct), await cases.StaffOptionsAsync(staff.SchoolId, ct), clock.GetUtcNow());
        return TypedResults.Ok(mapper.Map(task, caseDto?.OpenTasks.FirstOrDefault(t => t.Id == id)));
    }

    private static async Task<IResult> Claim(string id, Staff staff, TaskService tasks, CancellationToken ct) =>
        ToHttp(await tasks.ClaimAsync(staff, id, ct));

    private static async Task<IResult> Release(string id, Staff staff, TaskService tasks, CancellationToken ct) =>
        ToHttp(await tasks.ReleaseAsync(staff, id, ct));

    private static async Task<IResult> Assign(string id, Staff staff, HttpContext http, TaskService tasks, CancellationToken ct)
    {
        var (request, errors) = await JsonBody.ReadAsync<AssignTaskRequest>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors);
        return ToHttp(await tasks.AssignAsync(staff, id, request!, ct));
    }

    private static async Task<IResult> Complete(string id, Staff staff, HttpContext http, TaskService tasks, CancellationToken ct)
    {
        var (body, errors) = await JsonBody.ReadAsync<JsonObject>(http.Request, ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "De taak kon niet worden gelezen.");
        return ToHttp(await tasks.CompleteAsync(staff, id, body!["result"] as JsonObject, ct));
    }

    /// <summary>Maps a task operation to HTTP: 200, 400 with field errors, 403, 404 or 409.</summary>
    internal static IResult ToHttp(TaskOperationResult result) =>
        result.Failure switch
        {
            TaskFailure.None => TypedResults.Ok(),
            TaskFailure.NotFound => TypedResults.Problem(Problems.NotFound(result.Message!)),
            TaskFailure.Forbidden => TypedResults.Problem(Problems.Forbidden(result.Message!)),
            TaskFailure.NotOpen => TypedResults.Problem(Problems.Conflict(result.Message!)),
            _ => TypedResults.ValidationProblem(result.Errors ?? new(), title: result.Message),
        };

    /// <summary>Whether a task id belongs to the protocol's tasks (the rest are Elsa RunTask tasks).</summary>
    internal static Task<bool> IsCaseTaskAsync(AppDbContext db, string taskId, CancellationToken ct) => db.Tasks.AnyAsync(t => t.Id == taskId, ct);
}
