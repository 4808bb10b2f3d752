using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Activities;

/// <summary>An event to deliver once the step that published it has committed.</summary>
public sealed record PublishedEvent(string EventName, string? CorrelationId, string? WorkflowInstanceId, JsonNode? Payload);

/// <summary>
/// Publishes a named event; waiting instances of the same tenant resume after this step commits.
/// Events that set off further events are delivered up to <see cref="WorkflowEngineOptions.MaxEventDepth"/>
/// deliveries deep; past that the publishing activity faults (an incident on this instance), so two
/// instances that answer each other's events cannot keep each other running without end.
/// </summary>
[Activity("Elsa", "Primitives", "Publishes an event.")]
public sealed class PublishEvent : CodeActivity
{
    [Input(Description = "The name of the event.")] [Required] public Input<string> EventName { get; set; } = new(expression: null);
    [Input(Description = "Only instances with this correlation id receive the event.")] public Input<string> CorrelationId { get; set; } = new(expression: null);
    [Input(Description = "Deliver to this instance only.")] public Input<bool> IsLocalEvent { get; set; } = new(false);
    [Input(Description = "Data sent with the event.")] public Input<object> Payload { get; set; } = new(expression: null);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var name = await context.GetAsync(EventName, nameof(EventName)) ?? throw new InvalidOperationException("PublishEvent has no event name.");
        var maxDepth = context.GetService<IOptions<WorkflowEngineOptions>>()?.Value.MaxEventDepth ?? WorkflowEngineOptions.DefaultMaxEventDepth;
        if (context.WorkflowExecutionContext.EventDepth >= maxDepth)
            throw new InvalidOperationException(
                $"Event '{name}' was not published: this instance was resumed by a chain of {context.WorkflowExecutionContext.EventDepth} events, " +
                $"each published by a workflow, and the limit is {maxDepth} (Workflows:MaxEventDepth). Workflows that answer each other's events may loop.");
        var correlationId = await context.GetAsync(CorrelationId, nameof(CorrelationId));
        var local = await context.GetAsync(IsLocalEvent, nameof(IsLocalEvent));
        var payload = await context.GetAsync(Payload, nameof(Payload));
        context.AddStepEffect(new PublishedEvent(name, string.IsNullOrWhiteSpace(correlationId) ? null : correlationId,
            local ? context.WorkflowInstanceId : null, Expressions.ValueConverter.ToJsonNode(payload)));
    }
}
