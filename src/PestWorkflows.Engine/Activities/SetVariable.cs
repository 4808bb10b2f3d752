using PestWorkflows.Engine.Expressions;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Assigns a value to a workflow variable.</summary>
[Activity("Elsa", "Primitives", "Assign a value to a workflow variable.")]
public sealed class SetVariable : CodeActivity
{
    [Input(Description = "The variable to assign.", UIHint = InputUIHints.VariablePicker)]
    public Variable? Variable { get; set; }

    [Input(Description = "The value to assign.")]
    public Input<object> Value { get; set; } = new(expression: null);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        if (Variable is null) throw new InvalidOperationException("SetVariable has no variable selected.");
        var workflow = context.WorkflowExecutionContext;
        var declared = workflow.FindVariable(Variable.Id) ?? workflow.FindVariable(Variable.Name)
            ?? throw new InvalidOperationException($"The workflow has no variable '{Variable.Name}'.");
        var value = await context.GetAsync(Value, nameof(Value));
        workflow.SetVariableById(declared.Id, ValueConverter.Convert(value, ValueConverter.TypeFromAlias(declared.TypeName)));
    }
}
