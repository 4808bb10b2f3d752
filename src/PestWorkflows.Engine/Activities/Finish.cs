using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Finishes the whole workflow: clears all scheduled work and every bookmark.</summary>
[Activity("Elsa", "Primitives", "Finishes the workflow.")]
public sealed class Finish : Activity, ITerminalNode
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.WorkflowExecutionContext.FinishNow();
        return ValueTask.CompletedTask;
    }
}
