using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Waits until a moment in time; completes at once when that moment has passed.</summary>
[Activity("Elsa", "Scheduling", "Trigger execution at a specific time in the future.", Kind = ActivityKind.Trigger)]
public sealed class StartAt : Activity, ITrigger
{
    [Input(Description = "The moment to continue at.", UIHint = InputUIHints.DateTimePicker)]
    public Input<DateTimeOffset> DateTime { get; set; } = new(expression: null);

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var executeAt = await context.GetAsync(DateTime, nameof(DateTime));
        if (executeAt <= context.Clock.GetUtcNow())
        {
            await context.CompleteActivityAsync();
            return;
        }
        context.CreateBookmark(new BookmarkOptions
        {
            Payload = new JsonObject { ["executeAt"] = executeAt.ToString("O") },
            DueAt = executeAt,
        });
    }
}
