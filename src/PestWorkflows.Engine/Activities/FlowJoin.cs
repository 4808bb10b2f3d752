using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

public enum FlowJoinMode { WaitAny, WaitAll, WaitAllActive }

/// <summary>Merges incoming branches; the flowchart decides when it runs, from its mode.</summary>
[Activity("Elsa", "Branching", "Merge multiple branches into a single branch of execution.", DisplayName = "Join")]
public sealed class FlowJoin : CodeActivity
{
    [Input(Description = "WaitAny: continue on the first arrival. WaitAll: wait for every inbound branch.", UIHint = InputUIHints.DropDown, Options = ["WaitAny", "WaitAll", "WaitAllActive"], DefaultValue = "WaitAny")]
    public Input<FlowJoinMode> Mode { get; set; } = new(FlowJoinMode.WaitAny);

    /// <summary>
    /// In counter mode a join that runs cancels what still runs on its inbound branches (an activity
    /// waiting on a bookmark), as Elsa's does; the flowchart has already decided that it runs.
    /// </summary>
    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        if (context.Parent is { Activity: Flowchart flowchart } parent
            && context.WorkflowExecutionContext.State.FlowchartMode == FlowchartExecutionMode.CounterBased)
            await flowchart.CancelInboundAncestorsAsync(parent, this);
    }

    internal async ValueTask<FlowJoinMode> GetModeAsync(ActivityExecutionContext flowchartContext) =>
        await flowchartContext.GetAsync(Mode);
}
