using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PestWorkflows.Engine.Persistence;

namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// Writes outbox rows inside a transaction that is not yet committed, so what they ask for happens
/// exactly when that transaction commits: afterwards the <see cref="OutboxDispatcher"/> hands each
/// row to the <see cref="IOutboxHandler"/> of its type.
/// </summary>
public sealed class Outbox(TimeProvider clock, WorkflowDbContextOnConnection contexts, OutboxDispatcher dispatcher)
{
    /// <summary>
    /// Adds a row to the context's changes: inside a step (the context an <see cref="IStepEffectHandler"/>
    /// gets) it is saved with the step, and the dispatcher is woken when the step has committed.
    /// </summary>
    public OutboxMessageRecord Add(WorkflowDbContext db, string type, string tenantId, string payload, string? workflowInstanceId = null)
    {
        var row = NewRow(type, tenantId, payload, workflowInstanceId);
        db.Outbox.Add(row);
        return row;
    }

    /// <summary>
    /// Writes a row on another context's connection, inside that context's current transaction (begin
    /// one first to commit the row with your own); call <see cref="Wake"/> after committing.
    /// </summary>
    public async Task<OutboxMessageRecord> EnqueueAsync(DbContext other, string type, string tenantId, string payload, CancellationToken ct = default)
    {
        var row = NewRow(type, tenantId, payload, workflowInstanceId: null);
        await other.Database.OpenConnectionAsync(ct);
        try
        {
            await using var db = contexts.Create(other.Database.GetDbConnection(), other.Database.CurrentTransaction?.GetDbTransaction());
            db.Outbox.Add(row);
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            await other.Database.CloseConnectionAsync();
        }
        return row;
    }

    /// <summary>Tells this process's dispatcher that committed rows wait (else it finds them at its next poll).</summary>
    public void Wake() => dispatcher.Wake();

    internal OutboxMessageRecord NewRow(string type, string tenantId, string payload, string? workflowInstanceId)
    {
        var now = clock.GetUtcNow();
        return new OutboxMessageRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Type = type,
            TenantId = tenantId,
            WorkflowInstanceId = workflowInstanceId,
            Payload = payload,
            Status = OutboxStatus.Pending,
            CreatedAt = now,
            DueAt = now,
        };
    }
}
