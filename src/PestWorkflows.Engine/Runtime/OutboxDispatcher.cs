using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine.Persistence;

namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// Hands due outbox rows to their handlers. A row is claimed with a conditional update before it is
/// handled (as timers are, see <see cref="TimerDispatcher"/>), so when several hosts share one
/// database each attempt has one winner; a claim that was never finished (host died) expires and the
/// row is tried again. A failed attempt is retried after a delay that doubles each time
/// (<see cref="WorkflowEngineOptions.OutboxRetryDelay"/> up to <see cref="WorkflowEngineOptions.OutboxMaxRetryDelay"/>),
/// until <see cref="WorkflowEngineOptions.OutboxMaxAttempts"/>; each row keeps its attempt count and last error.
/// </summary>
public sealed class OutboxDispatcher(
    IDbContextFactory<WorkflowDbContext> dbFactory,
    IServiceProvider services,
    TimeProvider clock,
    IOptions<WorkflowEngineOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Dictionary<string, IOutboxHandler>? _handlers;

    /// <summary>Identifies this dispatcher in claims (host name and process id).</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Makes the background loop look for due rows now instead of at its next poll.</summary>
    public void Wake()
    {
        try { if (_wake.CurrentCount == 0) _wake.Release(); }
        catch (SemaphoreFullException) { /* woken already */ }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatchOutbox) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // The next pass retries; a row is never dropped.
                logger.LogError(e, "Dispatching the outbox failed");
            }
            try
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(options.Value.OutboxPollInterval, clock, poll.Token);
                await Task.WhenAny(delay, _wake.WaitAsync(poll.Token));
                await poll.CancelAsync();
                stoppingToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Claims and handles every row due now. Returns how many attempts this dispatcher made.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct = default)
    {
        var attempts = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var now = clock.GetUtcNow();
            List<string> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
                due = await db.Outbox.AsNoTracking()
                    .Where(o => o.Status == OutboxStatus.Pending && o.DueAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
                    .OrderBy(o => o.DueAt)
                    .Select(o => o.Id)
                    .Take(BatchSize)
                    .ToListAsync(ct);
            // A row that failed and is due again at once (no retry delay) waits for the next pass.
            due.RemoveAll(id => !seen.Add(id));
            if (due.Count == 0) return attempts;
            foreach (var id in due)
                if (await TryHandleAsync(id, ct)) attempts++;
            if (due.Count < BatchSize) return attempts;
        }
    }

    /// <summary>
    /// Handles the given rows now if they are due and nobody holds them (a step's own rows, right after
    /// it committed). Returns how many attempts this dispatcher made.
    /// </summary>
    public async Task<int> DispatchAsync(IEnumerable<string> ids, CancellationToken ct = default)
    {
        var attempts = 0;
        foreach (var id in ids)
            if (await TryHandleAsync(id, ct)) attempts++;
        return attempts;
    }

    private async Task<bool> TryHandleAsync(string id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.OutboxClaimDuration;
        OutboxMessageRecord? row;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var claimed = await db.Outbox
                .Where(o => o.Id == id && o.Status == OutboxStatus.Pending && o.DueAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.LockedUntil, until)
                    .SetProperty(o => o.LockedBy, Owner)
                    .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                    .SetProperty(o => o.LastAttemptAt, now), ct);
            if (claimed != 1) return false;
            row = await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == id, ct);
        }

        var retryAt = now + RetryDelay(row.Attempts);
        var message = new OutboxMessage(row.Id, row.Type, row.TenantId, row.WorkflowInstanceId, row.Payload, row.Attempts, row.CreatedAt, retryAt);
        try
        {
            if (!Handlers.TryGetValue(row.Type, out var handler))
                throw new InvalidOperationException($"No outbox handler for type '{row.Type}' in this host.");
            await handler.HandleAsync(message, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the claim expires and another pass tries again.
            throw;
        }
        catch (OutboxPermanentFailureException e)
        {
            logger.LogWarning(e, "Outbox row {Id} ({Type}) failed for good: {Error}", row.Id, row.Type, e.Message);
            await FinishAsync(id, OutboxStatus.Failed, e.Message, dueAt: null, ct);
            return true;
        }
        catch (Exception e)
        {
            var giveUp = row.Attempts >= options.Value.OutboxMaxAttempts;
            logger.LogWarning(e, "Outbox row {Id} ({Type}) attempt {Attempt} failed{Next}", row.Id, row.Type, row.Attempts,
                giveUp ? "; giving up" : $"; next attempt at {retryAt:O}");
            await FinishAsync(id, giveUp ? OutboxStatus.Failed : OutboxStatus.Pending, e.Message, giveUp ? null : retryAt, ct);
            return true;
        }
        await FinishAsync(id, OutboxStatus.Done, error: null, dueAt: null, ct);
        return true;
    }

    /// <summary>The delay after the given failed attempt: doubling from the first retry delay, capped.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var first = options.Value.OutboxRetryDelay;
        var max = options.Value.OutboxMaxRetryDelay;
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = first.TotalMilliseconds * factor;
        return delay >= max.TotalMilliseconds ? max : TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>Records how the attempt ended, unless this dispatcher's claim was lost meanwhile (then the new holder decides).</summary>
    private async Task FinishAsync(string id, string status, string? error, DateTimeOffset? dueAt, CancellationToken ct)
    {
        DateTimeOffset? completedAt = status == OutboxStatus.Pending ? null : clock.GetUtcNow();
        // Recorded even when shutting down: the attempt happened.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await db.Outbox
            .Where(o => o.Id == id && o.LockedBy == Owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, status)
                .SetProperty(o => o.LastError, o => error ?? o.LastError)
                .SetProperty(o => o.DueAt, o => dueAt ?? o.DueAt)
                .SetProperty(o => o.CompletedAt, completedAt)
                .SetProperty(o => o.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(o => o.LockedBy, (string?)null), CancellationToken.None);
    }

    private Dictionary<string, IOutboxHandler> Handlers => _handlers ??= BuildHandlers();

    private Dictionary<string, IOutboxHandler> BuildHandlers()
    {
        var handlers = new Dictionary<string, IOutboxHandler>(StringComparer.Ordinal);
        foreach (var handler in services.GetServices<IOutboxHandler>())
            if (!handlers.TryAdd(handler.Type, handler))
                throw new InvalidOperationException($"Two outbox handlers for type '{handler.Type}': {handlers[handler.Type].GetType().Name} and {handler.GetType().Name}.");
        return handlers;
    }

    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
    }
}
