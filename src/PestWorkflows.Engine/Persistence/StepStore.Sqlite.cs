using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace PestWorkflows.Engine.Persistence;

internal sealed partial class StepStore
{
    /// <summary>
    /// A statement on SQLite's own API, prepared once per physical connection and kept for it: the
    /// runtime's few statements then cost no parse and plan per step (preparing them again for every
    /// command was about a sixth of a task completion), and parameters are bound by position rather
    /// than looked up by name.
    /// <para>
    /// The statements belong to the connection's <c>sqlite3</c> handle, which Microsoft.Data.Sqlite keeps
    /// open in its pool while the <see cref="SqliteConnection"/> objects come and go; a handle is used by
    /// one connection (one thread) at a time, and so is its cache. They run on the handle like the
    /// connection's own commands, inside its current transaction. A cache is dropped with its handle
    /// (the statements are finalized by their SafeHandles; SQLite closes the handle after the last one).
    /// Values are converted as the EF model says (<see cref="Column.ToProvider"/>) and bound the way
    /// Microsoft.Data.Sqlite binds them; errors are raised as the same <see cref="SqliteException"/>.
    /// </para>
    /// </summary>
    /// <summary>
    /// Finalizes the statements kept for the connection's handle (call before the connection closes, so
    /// that the handle goes back to the pool without them). Without this they are finalized when the
    /// handle is collected.
    /// </summary>
    public static void ReleaseStatements(SqliteConnection connection) => SqliteStatement.Release(connection);

    private sealed class SqliteStatement : Statement
    {
        private static readonly ConditionalWeakTable<sqlite3, Dictionary<string, sqlite3_stmt>> Prepared = new();

        public static void Release(SqliteConnection connection)
        {
            if (connection.Handle is not { } db || !Prepared.TryGetValue(db, out var cache)) return;
            Prepared.Remove(db);
            foreach (var stmt in cache.Values) stmt.Dispose();
        }

        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _stmt;
        private bool _stepped = true; // reset before first use, whatever state an earlier user left it in

        public SqliteStatement(SqliteConnection connection, string sql)
        {
            _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
            var cache = Prepared.GetValue(_db, static _ => new Dictionary<string, sqlite3_stmt>(StringComparer.Ordinal));
            if (!cache.TryGetValue(sql, out var stmt))
            {
                var rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out stmt);
                SqliteException.ThrowExceptionForRC(rc, _db);
                cache[sql] = stmt;
            }
            _stmt = stmt;
        }

        public override void Bind(int index, Column column, object? value)
        {
            Reset();
            var i = index + 1;
            var rc = column.ToProvider(value) switch
            {
                null => raw.sqlite3_bind_null(_stmt, i),
                string s => raw.sqlite3_bind_text(_stmt, i, s),
                long l => raw.sqlite3_bind_int64(_stmt, i, l),
                int n => raw.sqlite3_bind_int64(_stmt, i, n),
                bool b => raw.sqlite3_bind_int64(_stmt, i, b ? 1 : 0),
                double d => raw.sqlite3_bind_double(_stmt, i, d),
                byte[] bytes => raw.sqlite3_bind_blob(_stmt, i, bytes),
                var other => throw new NotSupportedException($"No SQLite binding for {other.GetType()} (column {column.Name})."),
            };
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        public override ValueTask<int> ExecuteAsync(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            Reset();
            Step();
            var changes = raw.sqlite3_changes(_db);
            Reset();
            return ValueTask.FromResult(changes);
        }

        public override ValueTask<bool> ReadAsync(CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Step() == raw.SQLITE_ROW);
        }

        public override bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;
        public override string GetString(int column) => raw.sqlite3_column_text(_stmt, column).utf8_to_string();
        public override long GetInt64(int column) => raw.sqlite3_column_int64(_stmt, column);

        /// <summary>Resets the statement for its next use; the bindings stay until bound again.</summary>
        public override ValueTask DisposeAsync()
        {
            Reset();
            return ValueTask.CompletedTask;
        }

        private int Step()
        {
            _stepped = true;
            var rc = raw.sqlite3_step(_stmt);
            if (rc is raw.SQLITE_ROW or raw.SQLITE_DONE) return rc;
            // The error (with its message) is the connection's until the statement is reset.
            try
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
                return rc;
            }
            finally
            {
                Reset();
            }
        }

        private void Reset()
        {
            if (!_stepped) return;
            _stepped = false;
            raw.sqlite3_reset(_stmt);
        }
    }
}
