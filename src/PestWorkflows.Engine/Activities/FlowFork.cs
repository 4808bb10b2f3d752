using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Continues through every named branch at once.</summary>
[Activity("Elsa", "Branching", "Branch execution into multiple parallel branches.", DisplayName = "Fork (flow)")]
public sealed class FlowFork : CodeActivity
{
    [Input(Description = "The names of the branches.", UIHint = InputUIHints.DynamicOutcomes)]
    public Input<List<string>> Branches { get; set; } = new(expression: null);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var branches = await context.GetAsync(Branches, nameof(Branches));
        context.SetOutcomes(branches is { Count: > 0 } ? branches.ToArray() : ["Done"]);
    }
}
