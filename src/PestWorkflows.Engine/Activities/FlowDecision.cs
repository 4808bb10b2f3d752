using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Continues through <c>True</c> or <c>False</c> depending on a condition.</summary>
[Activity("Elsa", "Branching", "Evaluate a Boolean condition to determine which path to execute next.", DisplayName = "Decision")]
[FlowNode("True", "False")]
public sealed class FlowDecision : CodeActivity
{
    [Input(Description = "The condition to evaluate.", UIHint = InputUIHints.SingleLine)]
    public Input<bool> Condition { get; set; } = new(false);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var result = await context.GetAsync(Condition, nameof(Condition));
        context.SetOutcomes(result ? "True" : "False");
    }
}
