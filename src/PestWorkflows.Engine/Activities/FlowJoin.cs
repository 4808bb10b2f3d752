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

    internal async ValueTask<FlowJoinMode> GetModeAsync(ActivityExecutionContext flowchartContext) =>
        await flowchartContext.GetAsync(Mode);
}
