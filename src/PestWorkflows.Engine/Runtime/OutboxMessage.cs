namespace PestWorkflows.Engine.Runtime;

/// <summary>An outbox row as its handler sees it during one attempt.</summary>
/// <param name="Attempt">This attempt's number, from 1; more than 1 when an earlier one failed or was cut short.</param>
/// <param name="RetryAt">When the next attempt starts if this one fails and may be retried.</param>
public sealed record OutboxMessage(
    string Id,
    string Type,
    string TenantId,
    string? WorkflowInstanceId,
    string Payload,
    int Attempt,
    DateTimeOffset CreatedAt,
    DateTimeOffset RetryAt)
{
    /// <summary>
    /// A batch handler starts no new work on this row after this (three quarters into the claim): the rest
    /// of the claim is for finishing, before another dispatcher may take the row over.
    /// </summary>
    public DateTimeOffset StartBy { get; init; } = DateTimeOffset.MaxValue;
}
