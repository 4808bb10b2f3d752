using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Where <see cref="WriteLine"/> writes. The default is standard output, as in Elsa.</summary>
public interface IWorkflowTextOutput
{
    void WriteLine(string workflowInstanceId, string text);
}

public sealed class ConsoleTextOutput : IWorkflowTextOutput
{
    public void WriteLine(string workflowInstanceId, string text) => Console.WriteLine(text);
}

/// <summary>Writes a line of text.</summary>
[Activity("Elsa", "Console", "Write a line of text to the console.")]
public sealed class WriteLine : CodeActivity
{
    [Input(Description = "The text to write.")]
    public Input<string> Text { get; set; } = new(expression: null);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var text = await context.GetAsync(Text, nameof(Text)) ?? "";
        context.GetRequiredService<IWorkflowTextOutput>().WriteLine(context.WorkflowInstanceId, text);
    }
}
