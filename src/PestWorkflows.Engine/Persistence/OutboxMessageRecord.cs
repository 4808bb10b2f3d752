namespace PestWorkflows.Engine.Persistence;

/// <summary>
/// Something a committed step (or another transaction) asked to happen outside the process: a row
/// written in that transaction, handled afterwards by the <see cref="Runtime.IOutboxHandler"/> for its
/// <see cref="Type"/> (see <see cref="Runtime.OutboxDispatcher"/>).
/// </summary>
public sealed class OutboxMessageRecord
{
    public string Id { get; set; } = "";
    /// <summary>Chooses the handler (for example <c>Elsa.PublishEvent</c>, <c>Email</c>).</summary>
    public string Type { get; set; } = "";
    public string TenantId { get; set; } = "";
    /// <summary>The instance whose step wrote it; null when it was not written by a step.</summary>
    public string? WorkflowInstanceId { get; set; }
    /// <summary>What the handler needs, as JSON.</summary>
    public string Payload { get; set; } = "{}";
    public string Status { get; set; } = OutboxStatus.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the next attempt may start (the first: when it was written).</summary>
    public DateTimeOffset DueAt { get; set; }
    /// <summary>Attempts started so far; counted when a dispatcher claims the row, so one cut short by a crash counts too.</summary>
    public int Attempts { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>A row claimed by a dispatcher is not claimed by another until this passes.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LockedBy { get; set; }
}
