using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>A container: runs its body (usually a nested flowchart), then completes.</summary>
[Activity("Elsa", "Flow", "A container that runs its body.", DisplayName = "Container")]
public sealed class FlowNode : Activity, IContainerActivity
{
    [Port]
    public Activity? Body { get; set; }

    public IEnumerable<Activity> Children => Body is null ? [] : [Body];

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        if (Body is null) return context.CompleteActivityAsync();
        context.ScheduleActivity(Body);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnChildCompletedAsync(ActivityExecutionContext self, ActivityExecutionContext child, IReadOnlyList<string> outcomes) =>
        self.CompleteActivityAsync();

    public ValueTask OnChildCanceledAsync(ActivityExecutionContext self, ActivityExecutionContext child) =>
        self.CompleteActivityAsync();
}
