using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Tasks;

/// <summary>
/// A step done by a person: creates a task (an inbox row, through <see cref="HumanTaskCreated"/>)
/// and a bookmark, and completes with the outcome the person chose. Each protocol step derives
/// from this and declares its form and outcomes.
/// </summary>
public abstract class HumanTaskActivity : Activity
{
    /// <summary>Bookmark name of a waiting task; its payload is <c>{ taskId }</c>.</summary>
    public const string TaskBookmarkName = "Pestprotocol.Task";
    /// <summary>Resume input key: <c>{ "outcome": "...", "values": { ... }, "completedBy": "..." }</c>.</summary>
    public const string ResultInputKey = "TaskResult";
    private const string TaskIdProperty = "taskId";

    [Input(DisplayName = "Titel", Description = "De titel van de taak in de inbox.", Category = "Taak")]
    public Input<string> Title { get; set; } = new(expression: null);

    [Input(DisplayName = "Uitvoerder", Description = "De medewerker (gebruikers-id) die de taak krijgt; leeg: iedereen met de rol hieronder.", Category = "Taak")]
    public Input<string> Assignee { get; set; } = new(expression: null);

    [Input(DisplayName = "Rol", Description = "De rol die de taak krijgt als er geen uitvoerder is gekozen.", UIHint = InputUIHints.DropDown,
        Options = [StaffRoles.Coordinator, StaffRoles.Teacher, StaffRoles.Leader, StaffRoles.Reporter], Category = "Taak")]
    public Input<string> AssigneeRole { get; set; } = new(expression: null);

    /// <summary>The protocol step this task belongs to (1–7; 0 for steps without a number).</summary>
    protected abstract int Step { get; }
    protected abstract string DefaultTitle { get; }
    protected abstract string DefaultRole { get; }
    protected virtual string? Description => null;
    protected abstract IReadOnlyList<TaskField> Fields { get; }
    protected virtual IReadOnlyList<TaskOutcome> TaskOutcomes { get; } = [new("Done", "Afgerond")];

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.AddStepEffect(new CaseEvent(context.WorkflowInstanceId, CaseEventKind.StepStarted, await TitleAsync(context), Step));
        await CreateTaskAsync(context);
    }

    /// <summary>The due and follow-up moments of the task; none by default.</summary>
    protected virtual ValueTask<(DateTimeOffset? DueAt, DateTimeOffset? FollowUpAt)> ScheduleAsync(ActivityExecutionContext context) =>
        ValueTask.FromResult<(DateTimeOffset?, DateTimeOffset?)>((null, null));

    protected async ValueTask<string> CreateTaskAsync(ActivityExecutionContext context)
    {
        var taskId = Guid.NewGuid().ToString("N");
        var (dueAt, followUpAt) = await ScheduleAsync(context);
        var assignee = await context.GetAsync(Assignee, nameof(Assignee));
        var role = await context.GetAsync(AssigneeRole, nameof(AssigneeRole));
        if (string.IsNullOrWhiteSpace(role)) role = DefaultRole;
        if (string.IsNullOrWhiteSpace(assignee) && role == StaffRoles.Reporter)
            assignee = (string?)context.WorkflowInput.GetValueOrDefault(CaseInput.ReporterId);

        context.CreateBookmark(new BookmarkOptions
        {
            Name = TaskBookmarkName,
            Payload = new JsonObject { ["taskId"] = taskId },
            IncludeActivityInstanceId = false,
            Callback = true,
        });
        context.Properties[TaskIdProperty] = taskId;
        context.AddStepEffect(new HumanTaskCreated(
            taskId, context.WorkflowInstanceId, Id, context.Id, Type, Step, await TitleAsync(context), Description,
            string.IsNullOrWhiteSpace(assignee) ? null : assignee,
            string.IsNullOrWhiteSpace(assignee) ? role : null,
            dueAt, followUpAt, Priority: dueAt is null ? 50 : 80, Fields, TaskOutcomes));
        await OnTaskCreatedAsync(context, taskId, dueAt);
        return taskId;
    }

    private async ValueTask<string> TitleAsync(ActivityExecutionContext context)
    {
        var title = await context.GetAsync(Title, nameof(Title));
        return string.IsNullOrWhiteSpace(title) ? DefaultTitle : title;
    }

    /// <summary>The id of the task this activity has open, if any.</summary>
    protected static string? OpenTaskId(ActivityExecutionContext context) => (string?)context.Properties[TaskIdProperty];

    /// <summary>Called once the task exists (to arm reminders, for example).</summary>
    protected virtual ValueTask OnTaskCreatedAsync(ActivityExecutionContext context, string taskId, DateTimeOffset? dueAt) => ValueTask.CompletedTask;

    /// <summary>Called when the person completed the task, before the activity completes.</summary>
    protected virtual ValueTask OnTaskCompletedAsync(ActivityExecutionContext context, string outcome, JsonObject values) => ValueTask.CompletedTask;

    /// <summary>Called for this activity's other bookmarks (timers, events).</summary>
    protected virtual ValueTask OnOtherBookmarkAsync(ActivityExecutionContext context, Bookmark bookmark) => ValueTask.CompletedTask;

    public sealed override async ValueTask ResumeAsync(ActivityExecutionContext context, Bookmark bookmark)
    {
        if (bookmark.Name != TaskBookmarkName)
        {
            await OnOtherBookmarkAsync(context, bookmark);
            return;
        }

        var result = context.WorkflowInput.GetValueOrDefault(ResultInputKey) as JsonObject ?? new JsonObject();
        var outcome = (string?)result["outcome"] ?? (TaskOutcomes.Count == 1 ? TaskOutcomes[0].Name : null);
        if (outcome is null || TaskOutcomes.All(o => o.Name != outcome))
            throw new InvalidOperationException($"Task {bookmark.Payload?["taskId"]} was completed without a valid outcome ('{outcome}').");
        var values = result["values"] as JsonObject ?? new JsonObject();
        var taskId = (string)bookmark.Payload!["taskId"]!;
        context.Properties.Remove(TaskIdProperty);
        context.AddStepEffect(new HumanTaskCompleted(taskId, context.WorkflowInstanceId, outcome, (string?)result["completedBy"], (JsonObject)values.DeepClone()));
        await OnTaskCompletedAsync(context, outcome, values);
        if (context.Status == ActivityStatus.Running)
            await context.CompleteActivityWithOutcomesAsync(outcome);
    }

    /// <summary>Journal data of a completed task: what was filled in becomes the activity's output.</summary>
    protected static string? Text(JsonObject values, string name) => values[name] is JsonValue v ? v.ToString() : values[name]?.ToJsonString();
}
