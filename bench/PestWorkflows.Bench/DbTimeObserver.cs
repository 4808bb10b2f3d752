using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PestWorkflows.Bench;

/// <summary>
/// Sums, from EF Core's diagnostic events, the time spent executing SQL commands and committing
/// transactions while <see cref="Recording"/> is on: where an outbox email's time goes, without
/// instrumenting the host.
/// </summary>
public sealed class DbTimeObserver : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _all;
    private long _commandTicks, _commitTicks, _commands, _commits;

    public DbTimeObserver() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    public bool Recording { get; set; }
    /// <summary>Executing commands, including a statement outside a transaction (its implicit commit).</summary>
    public TimeSpan Commands => TimeSpan.FromTicks(Interlocked.Read(ref _commandTicks));
    public long CommandCount => Interlocked.Read(ref _commands);
    /// <summary>Committing explicit transactions (SaveChanges, the caller's own).</summary>
    public TimeSpan Commits => TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks));
    public long CommitCount => Interlocked.Read(ref _commits);

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
            lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (!Recording) return;
        if (e.Key == RelationalEventId.CommandExecuted.Name && e.Value is CommandExecutedEventData command)
        {
            Interlocked.Add(ref _commandTicks, command.Duration.Ticks);
            Interlocked.Increment(ref _commands);
        }
        else if (e.Key == RelationalEventId.TransactionCommitted.Name && e.Value is TransactionEndEventData commit)
        {
            Interlocked.Add(ref _commitTicks, commit.Duration.Ticks);
            Interlocked.Increment(ref _commits);
        }
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        _all.Dispose();
        lock (_subscriptions) _subscriptions.ForEach(s => s.Dispose());
    }
}
