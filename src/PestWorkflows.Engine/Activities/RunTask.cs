using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>A task was handed out; the host materializes it (inbox row, notification) in the same step.</summary>
public sealed record RunTaskRequest(string TaskId, string TaskName, JsonNode? Payload, string WorkflowInstanceId, string ActivityId, string ActivityInstanceId);

/// <summary>
/// Hands a task to the outside world and waits until it is completed through
/// <c>POST /elsa/api/tasks/{taskId}/complete</c>.
/// </summary>
[Activity("Elsa", "Primitives", "Runs a task and waits for its completion.")]
public sealed class RunTask : Activity
{
    /// <summary>The workflow input key carrying the task's result.</summary>
    public const string ResultInputKey = "RunTaskInput";

    [Input(Description = "The name of the task.")] [Required] public Input<string> TaskName { get; set; } = new(expression: null);
    [Input(Description = "Data for whoever runs the task.")] public Input<object> Payload { get; set; } = new(expression: null);

    [Output(Description = "The id of the task.")] public Output<string> TaskId { get; set; } = new();
    [Output(Description = "The result the task was completed with.")] public Output<object> Result { get; set; } = new();

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = await context.GetAsync(TaskName, nameof(TaskName)) ?? "";
        var payload = await context.GetAsync(Payload, nameof(Payload));
        var taskId = Guid.NewGuid().ToString("N");
        context.CreateBookmark(new BookmarkOptions
        {
            Payload = TaskStimulus(taskId, name),
            IncludeActivityInstanceId = false,
            Callback = true,
        });
        context.Set(TaskId, taskId, nameof(TaskId));
        context.Properties["taskId"] = taskId;
        context.AddStepEffect(new RunTaskRequest(taskId, name, Expressions.ValueConverter.ToJsonNode(payload), context.WorkflowInstanceId, Id, context.Id));
    }

    public override ValueTask ResumeAsync(ActivityExecutionContext context, Bookmark bookmark)
    {
        context.Set(Result, context.WorkflowInput.GetValueOrDefault(ResultInputKey), nameof(Result));
        return context.CompleteActivityAsync();
    }

    /// <summary>The task name is descriptive only: it is prefixed with '_' so it stays out of the hash.</summary>
    public static JsonObject TaskStimulus(string taskId, string? taskName = null) =>
        taskName is null ? new() { ["taskId"] = taskId } : new() { ["taskId"] = taskId, ["_taskName"] = taskName };
}
