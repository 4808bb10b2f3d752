using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>An event to deliver once the step that published it has committed.</summary>
public sealed record PublishedEvent(string EventName, string? CorrelationId, string? WorkflowInstanceId, JsonNode? Payload);

/// <summary>Publishes a named event; waiting instances resume after this step commits.</summary>
[Activity("Elsa", "Primitives", "Publishes an event.")]
public sealed class PublishEvent : CodeActivity
{
    [Input(Description = "The name of the event.")] public Input<string> EventName { get; set; } = new(expression: null);
    [Input(Description = "Only instances with this correlation id receive the event.")] public Input<string> CorrelationId { get; set; } = new(expression: null);
    [Input(Description = "Deliver to this instance only.")] public Input<bool> IsLocalEvent { get; set; } = new(false);
    [Input(Description = "Data sent with the event.")] public Input<object> Payload { get; set; } = new(expression: null);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var name = await context.GetAsync(EventName, nameof(EventName)) ?? throw new InvalidOperationException("PublishEvent has no event name.");
        var correlationId = await context.GetAsync(CorrelationId, nameof(CorrelationId));
        var local = await context.GetAsync(IsLocalEvent, nameof(IsLocalEvent));
        var payload = await context.GetAsync(Payload, nameof(Payload));
        context.AddStepEffect(new PublishedEvent(name, string.IsNullOrWhiteSpace(correlationId) ? null : correlationId,
            local ? context.WorkflowInstanceId : null, Expressions.ValueConverter.ToJsonNode(payload)));
    }
}
