using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine.Persistence;

namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// Resumes timer bookmarks that are due. A due row is claimed with a conditional update before it
/// is resumed, so when several hosts share one database each timer has one winner; a claim that
/// was never finished (host died) expires and is picked up again. Timers that fell due while no
/// host ran fire on the first pass after start.
/// </summary>
public sealed class TimerDispatcher(
    IDbContextFactory<WorkflowDbContext> dbFactory,
    WorkflowRuntime runtime,
    TimeProvider clock,
    IOptions<WorkflowEngineOptions> options,
    ILogger<TimerDispatcher> logger) : BackgroundService
{
    /// <summary>Identifies this dispatcher in claims (host name and process id).</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatchTimers) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // The next pass retries; a timer is never dropped.
                logger.LogError(e, "Dispatching due timers failed");
            }
            try { await Task.Delay(options.Value.TimerPollInterval, clock, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Claims and resumes every timer due now. Returns how many this dispatcher resumed.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct = default)
    {
        var resumed = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            List<(string Id, string TenantId)> due;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var rows = await db.Bookmarks.AsNoTracking()
                    .Where(b => b.ClosedAt == null && b.DueAt != null && b.DueAt <= now && (b.LockedUntil == null || b.LockedUntil < now))
                    .OrderBy(b => b.DueAt)
                    .Select(b => new { b.Id, b.TenantId })
                    .Take(100)
                    .ToListAsync(ct);
                due = rows.Select(r => (r.Id, r.TenantId)).ToList();
            }
            if (due.Count == 0) return resumed;

            foreach (var (id, tenantId) in due)
            {
                if (!await ClaimAsync(id, now, ct)) continue;
                // A timer fires within its own instance's tenant.
                var result = await runtime.ResumeAsync(tenantId, id, actor: "timer", ct: ct);
                if (result.Outcome == RunOutcome.Applied) resumed++;
                else if (result.Outcome == RunOutcome.Conflict)
                    // The instance moved on meanwhile; the claim expires and the next pass looks again.
                    logger.LogInformation("Timer {BookmarkId} not applied: {Message}", id, result.Message);
            }
            if (due.Count < 100) return resumed;
        }
    }

    private async Task<bool> ClaimAsync(string bookmarkId, DateTimeOffset now, CancellationToken ct)
    {
        var until = now + options.Value.TimerClaimDuration;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimed = await db.Bookmarks
            .Where(b => b.Id == bookmarkId && b.ClosedAt == null && (b.LockedUntil == null || b.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.LockedUntil, until).SetProperty(b => b.LockedBy, Owner), ct);
        return claimed == 1;
    }
}
