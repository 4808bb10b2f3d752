using System.Collections.Concurrent;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// Makes the report form's submit idempotent: the form carries a token, and a second submit with
/// the same token (a double click, a refresh, a resend) gets the case of the first instead of a
/// second case. Kept in memory for a day: enough for a resent form, and nothing to migrate.
/// </summary>
public sealed class ReportOnce(TimeProvider clock)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, Entry> _reports = new();

    private sealed record Entry(DateTimeOffset At, Lazy<Task<string?>> CaseId);

    /// <summary>Runs <paramref name="report"/> once per staff member and token; concurrent and later
    /// calls with the same key get its case id. A report that stored nothing (null) may be retried.</summary>
    /// <remarks>A browser aborts the first request when the form is sent again, so the report must not
    /// stop with the request that started it: give it no request's cancellation token. Every caller
    /// waits for it to finish (the first caller's services run it, so that caller must not leave early).</remarks>
    public async Task<string?> RunAsync(string staffId, string token, Func<Task<string?>> report)
    {
        var now = clock.GetUtcNow();
        foreach (var old in _reports.Where(r => now - r.Value.At > KeepFor)) _reports.TryRemove(old);
        var key = staffId + "\n" + token;
        var entry = _reports.GetOrAdd(key, _ => new Entry(now, new Lazy<Task<string?>>(report)));
        string? caseId;
        try
        {
            caseId = await entry.CaseId.Value;
        }
        catch
        {
            _reports.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
        if (caseId is null) _reports.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        return caseId;
    }
}
