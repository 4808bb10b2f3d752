using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>
/// Waits for a named event. Correlation is the instance's correlation id, matched when the event
/// is published, as in Elsa.
/// </summary>
[Activity("Elsa", "Primitives", "Wait for an event to be published.", Kind = ActivityKind.Trigger)]
public sealed class Event : Activity, ITrigger
{
    /// <summary>The workflow input key under which a published event's payload arrives.</summary>
    public const string PayloadInputKey = "__EventPayloadWorkflowInput";

    [Input(Description = "The name of the event to wait for.")]
    [Required]
    public Input<string> EventName { get; set; } = new(expression: null);

    [Output(Description = "The payload of the event.")]
    public Output<object> Result { get; set; } = new();

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = await context.GetAsync(EventName, nameof(EventName))
            ?? throw new InvalidOperationException("The Event activity has no event name.");
        context.CreateBookmark(new BookmarkOptions
        {
            Payload = EventStimulus(name),
            IncludeActivityInstanceId = false,
            Callback = true,
        });
    }

    public override ValueTask ResumeAsync(ActivityExecutionContext context, Bookmark bookmark)
    {
        context.Set(Result, context.WorkflowInput.GetValueOrDefault(PayloadInputKey), nameof(Result));
        return context.CompleteActivityAsync();
    }

    public static JsonObject EventStimulus(string eventName) => new() { ["eventName"] = eventName };
}
