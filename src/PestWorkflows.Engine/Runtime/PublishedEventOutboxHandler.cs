using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace PestWorkflows.Engine.Runtime;

/// <summary>Delivers an event a committed step published to the instances of its tenant waiting for it.</summary>
internal sealed class PublishedEventOutboxHandler(IServiceProvider services) : IOutboxHandler
{
    public const string TypeName = "Elsa.PublishEvent";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Type => TypeName;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var delivery = JsonSerializer.Deserialize<PublishedEventDelivery>(message.Payload, Json)
            ?? throw new OutboxPermanentFailureException($"Outbox row {message.Id} has no event.");
        // Resolved here: the runtime writes these rows and (through the dispatcher) hands them to this handler.
        await services.GetRequiredService<WorkflowRuntime>().DeliverEventAsync(message.TenantId, delivery, ct);
    }
}
