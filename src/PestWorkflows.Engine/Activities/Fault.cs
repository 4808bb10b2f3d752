using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Thrown by <see cref="Fault"/>; carries Elsa's fault code and category.</summary>
public sealed class FaultException(string code, string category, string faultType, string message) : Exception(message)
{
    public string Code { get; } = code;
    public string Category { get; } = category;
    public string FaultType { get; } = faultType;
}

/// <summary>Faults the workflow on purpose.</summary>
[Activity("Elsa", "Primitives", "Faults the workflow.")]
public sealed class Fault : CodeActivity
{
    [Input(Description = "The fault code.")] public Input<string> Code { get; set; } = new("0");
    [Input(Description = "The fault category.")] public Input<string> Category { get; set; } = new("General");
    [Input(Description = "The fault type.")] public Input<string> FaultType { get; set; } = new("System");
    [Input(Description = "The message.")] public Input<string> Message { get; set; } = new(expression: null);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context) =>
        throw new FaultException(
            await context.GetAsync(Code) ?? "0",
            await context.GetAsync(Category) ?? "General",
            await context.GetAsync(FaultType) ?? "System",
            await context.GetAsync(Message) ?? "Fault");
}
