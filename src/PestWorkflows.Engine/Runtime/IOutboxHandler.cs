namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// Carries out the outbox rows of one <see cref="Type"/> (one handler per type; register it in DI).
/// Returning means done. Throwing <see cref="OutboxPermanentFailureException"/> gives the row up
/// (<c>Failed</c>); any other exception is retried later with a growing delay, so a handler must
/// tolerate being called again for a row it handled partly (see <see cref="OutboxMessage.Attempt"/>).
/// </summary>
public interface IOutboxHandler
{
    string Type { get; }
    Task HandleAsync(OutboxMessage message, CancellationToken ct);
}
