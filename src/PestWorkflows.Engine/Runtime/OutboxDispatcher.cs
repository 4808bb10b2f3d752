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
    private long _claims;

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
            attempts += await HandleAsync(due, ct);
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
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(BatchSize))
            attempts += await HandleAsync(chunk, ct);
        return attempts;
    }

    /// <summary>
    /// Claims the rows that are still due and free in one statement, hands them to their handlers (a
    /// batch handler gets all of its type at once) and records every outcome in one transaction.
    /// </summary>
    private async Task<int> HandleAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var rows = await ClaimAsync(ids, ct);
        if (rows.Count == 0) return 0;
        var now = clock.GetUtcNow();
        var outcomes = new List<(OutboxMessageRecord Row, OutboxResult Result)>(rows.Count);
        foreach (var group in rows.GroupBy(r => r.Type, StringComparer.Ordinal))
        {
            var startBy = now + options.Value.OutboxClaimDuration * 0.75;
            var messages = group.Select(row => new OutboxMessage(row.Id, row.Type, row.TenantId, row.WorkflowInstanceId, row.Payload, row.Attempts, row.CreatedAt, now + RetryDelay(row.Attempts)) { StartBy = startBy }).ToList();
            if (!Handlers.TryGetValue(group.Key, out var handler))
            {
                var missing = OutboxResult.Retry($"No outbox handler for type '{group.Key}' in this host.");
                outcomes.AddRange(group.Select(row => (row, missing)));
                continue;
            }
            if (handler is IOutboxBatchHandler batch)
            {
                IReadOnlyList<OutboxResult> results;
                try
                {
                    results = await batch.HandleBatchAsync(messages, ct);
                    if (results.Count != messages.Count)
                        throw new InvalidOperationException($"{handler.GetType().Name} answered {results.Count} results for {messages.Count} rows.");
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Shutting down: the claims expire and another pass tries again.
                    throw;
                }
                catch (Exception e)
                {
                    var failed = Failure(e);
                    results = messages.Select(_ => failed).ToList();
                }
                outcomes.AddRange(group.Zip(results));
                continue;
            }
            foreach (var (row, message) in group.Zip(messages))
            {
                try
                {
                    await handler.HandleAsync(message, ct);
                    outcomes.Add((row, OutboxResult.Done));
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    await FinishAsync(outcomes, now);
                    throw;
                }
                catch (Exception e)
                {
                    outcomes.Add((row, Failure(e)));
                }
            }
        }
        await FinishAsync(outcomes, now);
        return rows.Count;
    }

    private static OutboxResult Failure(Exception e) =>
        e is OutboxPermanentFailureException ? OutboxResult.Fail(e.Message) : OutboxResult.Retry(e.Message);

    /// <summary>One conditional update claims every free due row of <paramref name="ids"/>; the rows this claim won are read back by its token.</summary>
    private async Task<List<OutboxMessageRecord>> ClaimAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + options.Value.OutboxClaimDuration;
        var token = $"{Owner}/{Interlocked.Increment(ref _claims)}";
        var list = ids.ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimed = await db.Outbox
            .Where(o => list.Contains(o.Id) && o.Status == OutboxStatus.Pending && o.DueAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.LockedUntil, until)
                .SetProperty(o => o.LockedBy, token)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.LastAttemptAt, now), ct);
        if (claimed == 0) return [];
        var rows = await db.Outbox.AsNoTracking().Where(o => list.Contains(o.Id) && o.LockedBy == token).ToListAsync(ct);
        // In the order asked for (due first), so a batch handler works through them in that order.
        var order = list.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        return rows.OrderBy(r => order[r.Id]).ToList();
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

    /// <summary>
    /// Records how the attempts ended, in one transaction; a row whose claim this dispatcher lost meanwhile
    /// is left alone (its new holder decides).
    /// </summary>
    private async Task FinishAsync(List<(OutboxMessageRecord Row, OutboxResult Result)> outcomes, DateTimeOffset started)
    {
        if (outcomes.Count == 0) return;
        var completedAt = clock.GetUtcNow();
        // Recorded even when shutting down: the attempts happened.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var done = outcomes.Where(o => o.Result.Kind == OutboxResultKind.Done).ToList();
        foreach (var token in done.Select(o => o.Row.LockedBy).Distinct())
        {
            var ids = done.Where(o => o.Row.LockedBy == token).Select(o => o.Row.Id).ToList();
            await db.Outbox
                .Where(o => ids.Contains(o.Id) && o.LockedBy == token)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, OutboxStatus.Done)
                    .SetProperty(o => o.CompletedAt, completedAt)
                    .SetProperty(o => o.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(o => o.LockedBy, (string?)null), CancellationToken.None);
        }
        foreach (var (row, result) in outcomes.Where(o => o.Result.Kind != OutboxResultKind.Done))
        {
            var giveUp = result.Kind == OutboxResultKind.Failed || row.Attempts >= options.Value.OutboxMaxAttempts;
            var retryAt = started + RetryDelay(row.Attempts);
            if (result.Kind == OutboxResultKind.Failed)
                logger.LogWarning("Outbox row {Id} ({Type}) failed for good: {Error}", row.Id, row.Type, result.Error);
            else
                logger.LogWarning("Outbox row {Id} ({Type}) attempt {Attempt} failed: {Error}{Next}", row.Id, row.Type, row.Attempts, result.Error,
                    giveUp ? "; giving up" : $"; next attempt at {retryAt:O}");
            string status = giveUp ? OutboxStatus.Failed : OutboxStatus.Pending;
            DateTimeOffset? finished = giveUp ? completedAt : null;
            var error = result.Error;
            DateTimeOffset? dueAt = giveUp ? null : retryAt;
            await db.Outbox
                .Where(o => o.Id == row.Id && o.LockedBy == row.LockedBy)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, status)
                    .SetProperty(o => o.LastError, o => error ?? o.LastError)
                    .SetProperty(o => o.DueAt, o => dueAt ?? o.DueAt)
                    .SetProperty(o => o.CompletedAt, finished)
                    .SetProperty(o => o.LockedUntil, (DateTimeOffset?)null)
                    .SetProperty(o => o.LockedBy, (string?)null), CancellationToken.None);
        }
        await transaction.CommitAsync(CancellationToken.None);
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
