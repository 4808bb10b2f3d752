using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PestWorkflows.Host.Tests.Performance;

/// <summary>
/// Counts the SQL commands EF sends to one SQLite file (tests in parallel each have their own) while
/// handling an HTTP request, from EF's diagnostic events, so the host under test needs no change. The
/// background dispatchers' commands (outbox, emails) run outside any request and are not counted, nor are
/// the commands the engine sends on its own kept SQLite statements (the step's commit), which are not EF's.
/// </summary>
public sealed class SqlCommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _databaseFile;
    private readonly IDisposable _all;
    // With a listener, ASP.NET Core's hosting starts an activity per request; a command under it is the request's.
    private readonly ActivityListener _requests = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
    };
    private const string RequestActivity = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    private readonly ConcurrentBag<IDisposable> _subscriptions = [];
    private ConcurrentQueue<string> _commands = new();
    private int _connectionsOpened;

    public SqlCommandCounter(string databaseFile)
    {
        _databaseFile = Path.GetFullPath(databaseFile);
        ActivitySource.AddActivityListener(_requests);
        _all = DiagnosticListener.AllListeners.Subscribe(this);
    }

    private static bool InRequest()
    {
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
            if (activity.OperationName == RequestActivity) return true;
        return false;
    }

    /// <summary>The commands since the last <see cref="Reset"/>, as SQL text.</summary>
    public IReadOnlyList<string> Commands => _commands.ToList();

    /// <summary>The connections EF opened on the file since the last <see cref="Reset"/>.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    public void Reset()
    {
        _commands = new();
        Volatile.Write(ref _connectionsOpened, 0);
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name) _subscriptions.Add(listener.Subscribe(this));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (!InRequest()) return;
        if (value.Key == RelationalEventId.ConnectionOpened.Name && value.Value is ConnectionEndEventData opened && IsOurs(opened.Connection.DataSource))
            Interlocked.Increment(ref _connectionsOpened);
        if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data && IsOurs(data.Command.Connection?.DataSource))
            _commands.Enqueue(data.Command.CommandText);
    }

    private bool IsOurs(string? source) => source is { Length: > 0 } && Path.GetFullPath(source) == _databaseFile;

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        _all.Dispose();
        _requests.Dispose();
        foreach (var subscription in _subscriptions) subscription.Dispose();
    }
}
