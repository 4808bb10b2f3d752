using System.Text.Json.Nodes;

namespace PestWorkflows.Engine.Runtime;

/// <summary>The payload of an <c>Elsa.PublishEvent</c> outbox row: one event to deliver within the row's tenant.</summary>
/// <param name="EventDepth">The depth of this delivery (see <see cref="WorkflowEngineOptions.MaxEventDepth"/>).</param>
internal sealed record PublishedEventDelivery(string EventName, string? CorrelationId, string? WorkflowInstanceId, JsonNode? Payload, string? Actor, int EventDepth);
