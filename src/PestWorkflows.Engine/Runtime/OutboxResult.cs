namespace PestWorkflows.Engine.Runtime;

/// <summary>How one row of an <see cref="IOutboxBatchHandler"/> batch ended.</summary>
/// <param name="Error">Why it failed (kept on the row); null when done.</param>
public sealed record OutboxResult(OutboxResultKind Kind, string? Error = null)
{
    public static readonly OutboxResult Done = new(OutboxResultKind.Done);

    /// <summary>Try again after the outbox's growing delay (or give up after the last attempt).</summary>
    public static OutboxResult Retry(string error) => new(OutboxResultKind.Retry, error);

    /// <summary>Trying again cannot help: the row is marked <c>Failed</c>.</summary>
    public static OutboxResult Fail(string error) => new(OutboxResultKind.Failed, error);
}
