using System.Collections.Concurrent;
using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace PestWorkflows.Engine.Persistence;

/// <summary>
/// SQLite only: the contexts the runtime runs its steps on, each with its connection kept open, and
/// reused. An EF SQLite connection registers EF's SQL functions (regexp, ef_add, ...) with SQLite on
/// every open and removes them on every close; SQLite then discards every prepared statement of that
/// connection. Opening and closing a pooled connection twice per step made each step prepare its
/// statements again and register and remove those functions four times; a kept-open connection keeps
/// its prepared statements (see <see cref="StepStore"/>) and its page cache.
/// <para>
/// A context is used by one operation at a time (rented, then returned). Operations that run at the
/// same time get their own contexts; up to <see cref="MaxIdle"/> are kept for reuse, the others are
/// closed when returned. A context that comes back with a transaction still open, or with its
/// connection closed, is not reused. Other users of the database (the host, the timer dispatcher)
/// keep using the pooled context factory.
/// </para>
/// </summary>
internal sealed class SqliteStepSessions(DbContextOptions<SqliteWorkflowDbContext> options) : IAsyncDisposable
{
    private const int MaxIdle = 16;

    private readonly ConcurrentStack<SqliteWorkflowDbContext> _idle = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private volatile bool _disposed;

    public async ValueTask<WorkflowDbContext> RentAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryPop(out var db)) return db;
        db = new SqliteWorkflowDbContext(options);
        try
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
        return db;
    }

    /// <summary>
    /// Waits for this process's turn to write a step. SQLite lets one transaction write at a time; steps
    /// that began their transactions together waited for each other in SQLite's busy handler, which
    /// sleeps and polls (up to 100 ms a sleep), so under load a step waited far longer than the writes
    /// before it took. Queued here, the next step starts the moment the last one commits. Writers outside
    /// the runtime (the host's own saves, other processes) still meet it through the busy timeout.
    /// </summary>
    public Task EnterWriterAsync(CancellationToken ct) => _writer.WaitAsync(ct);

    public void ExitWriter() => _writer.Release();

    public async ValueTask ReturnAsync(WorkflowDbContext db)
    {
        if (!_disposed && _idle.Count < MaxIdle && db is SqliteWorkflowDbContext sqlite
            && db.Database.CurrentTransaction is null && db.Database.GetDbConnection().State == ConnectionState.Open)
        {
            db.ChangeTracker.Clear();
            _idle.Push(sqlite);
            if (!_disposed) return;
            await DrainAsync(); // disposed meanwhile
            return;
        }
        await CloseAsync(db);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await DrainAsync();
    }

    private async ValueTask DrainAsync()
    {
        while (_idle.TryPop(out var db)) await CloseAsync(db);
    }

    /// <summary>Disposes the context, after finalizing the statements StepStore kept for its connection.</summary>
    private static async ValueTask CloseAsync(WorkflowDbContext db)
    {
        try
        {
            if (db.Database.GetDbConnection() is SqliteConnection connection) StepStore.ReleaseStatements(connection);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }
}
