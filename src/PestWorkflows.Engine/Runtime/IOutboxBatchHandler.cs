namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// An <see cref="IOutboxHandler"/> that carries out many due rows of its type in one call (one connection
/// to a server, a few transactions instead of a few per row). The dispatcher claims the rows together
/// and finishes them together; each row still ends on its own: the result at the same index says how.
/// An exception from the call counts as a failed attempt of every row in it.
/// </summary>
public interface IOutboxBatchHandler : IOutboxHandler
{
    Task<IReadOnlyList<OutboxResult>> HandleBatchAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct);
}
