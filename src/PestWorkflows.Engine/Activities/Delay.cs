using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>Waits for a period of time: a timer bookmark that the dispatcher resumes when due.</summary>
[Activity("Elsa", "Scheduling", "Delay execution for the specified amount of time.")]
public sealed class Delay : Activity
{
    [Input(Description = "The amount of time to wait.", DefaultValue = "00:01:00")]
    public Input<TimeSpan> TimeSpan { get; set; } = new(System.TimeSpan.FromMinutes(1));

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var span = await context.GetAsync(TimeSpan, nameof(TimeSpan));
        var resumeAt = context.Clock.GetUtcNow() + span;
        context.CreateBookmark(new BookmarkOptions
        {
            Payload = new JsonObject { ["resumeAt"] = resumeAt.ToString("O") },
            DueAt = resumeAt,
        });
    }
}
