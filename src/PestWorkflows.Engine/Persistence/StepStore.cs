using System.Data.Common;
using Microsoft.Data.Sqlite;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace PestWorkflows.Engine.Persistence;

/// <summary>The instance columns a resume needs, read in the same query as the bookmark.</summary>
internal sealed record InstanceRow(string Id, string DefinitionVersionId, string State, int Revision, string SubStatus, string? CorrelationId, string TenantId);

/// <summary>
/// A bookmark looked up for a resume, with its instance (null when the instance row is missing) and
/// the record of the activity execution that owns it: <see cref="ExecutionId"/> is null when there is
/// no such record, else <see cref="ExecutionOutputs"/> are its stored outputs, which the resumed
/// activity adds to.
/// </summary>
internal sealed record BookmarkRow(string Id, string WorkflowInstanceId, bool Closed, InstanceRow? Instance, string? ExecutionId, string? ExecutionOutputs);

/// <summary>How the conditional instance write of a step ended.</summary>
internal enum InstanceWrite { Applied, RevisionChanged, Duplicate }

/// <summary>
/// The runtime's hot path in plain SQL over the context's own connection and transaction: the
/// look-up for a resume (bookmark, instance and owning execution in one query) and the writes of one
/// step (conditional instance update, then bookmarks, journal and execution records). Table names,
/// column names and value conversions come from the EF model of the context, so the same SQL runs on
/// SQLite and PostgreSQL. Two ways of executing it:
/// <list type="bullet">
/// <item>SQLite runs in-process: each statement is prepared once per physical connection and kept
/// (see <see cref="SqliteStatement"/>), parameters are bound by position, and a step's rows are
/// written one row per execution of a small statement.</item>
/// <item>Other providers (PostgreSQL) go through ADO.NET commands, and a step's rows are sent as one
/// batch of multi-row statements, to save round trips.</item>
/// </list>
/// Everything else goes through EF as before.
/// </summary>
internal sealed partial class StepStore
{
    private static readonly ConditionalWeakTable<IModel, StepStore> Stores = new();

    /// <summary>Rows per multi-row INSERT (keeps the parameter count far below the provider's limits).</summary>
    private const int RowsPerInsert = 100;

    private readonly Table _instances;
    private readonly Table _bookmarks;
    private readonly Table _journal;
    private readonly Table _executions;
    private readonly string _byHashSql;
    private readonly string _byIdSql;
    private readonly string _instanceSql;
    private readonly string _upsertExecutionSuffix;
    private readonly string _closeBookmarkSql;
    private readonly string _closeBookmarksPrefix;
    private readonly string _executionInsertSql;
    private readonly string[] _updateInstanceSql;

    public static StepStore For(WorkflowDbContext db) => Stores.GetValue(db.Model, _ => new StepStore(db));

    private StepStore(WorkflowDbContext db)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        _instances = new Table(db.Model.FindEntityType(typeof(WorkflowInstanceRecord))!, sql);
        _bookmarks = new Table(db.Model.FindEntityType(typeof(BookmarkRecord))!, sql);
        _journal = new Table(db.Model.FindEntityType(typeof(JournalRecord))!, sql);
        _executions = new Table(db.Model.FindEntityType(typeof(ActivityExecutionRecord))!, sql);

        string I(string property) => "i." + _instances[property].Name;
        string B(string property) => "b." + _bookmarks[property].Name;
        string A(string property) => "a." + _executions[property].Name;
        var instanceColumns = string.Join(", ", new[]
        {
            nameof(WorkflowInstanceRecord.Id), nameof(WorkflowInstanceRecord.DefinitionVersionId), nameof(WorkflowInstanceRecord.State),
            nameof(WorkflowInstanceRecord.Revision), nameof(WorkflowInstanceRecord.SubStatus), nameof(WorkflowInstanceRecord.CorrelationId),
            nameof(WorkflowInstanceRecord.TenantId),
        }.Select(I));
        var closedFirst = $"CASE WHEN {B(nameof(BookmarkRecord.ClosedAt))} IS NULL THEN 0 ELSE 1 END";
        var bookmarkQuery =
            $"SELECT {B(nameof(BookmarkRecord.Id))}, {B(nameof(BookmarkRecord.WorkflowInstanceId))}, {closedFirst}, {instanceColumns}, " +
            $"{A(nameof(ActivityExecutionRecord.Id))}, {A(nameof(ActivityExecutionRecord.Outputs))} " +
            $"FROM {_bookmarks.Name} AS b " +
            $"LEFT JOIN {_instances.Name} AS i ON {I(nameof(WorkflowInstanceRecord.Id))} = {B(nameof(BookmarkRecord.WorkflowInstanceId))} " +
            $"LEFT JOIN {_executions.Name} AS a ON {A(nameof(ActivityExecutionRecord.Id))} = {B(nameof(BookmarkRecord.ActivityInstanceId))} ";
        // Within the caller's tenant only: another tenant's bookmark is answered as one that does not exist.
        // An open bookmark first: a task's hash is unique, but a closed row is kept to answer "resumed already".
        _byHashSql = bookmarkQuery + $"WHERE {B(nameof(BookmarkRecord.TenantId))} = @p0 AND {B(nameof(BookmarkRecord.Hash))} = @p1 ORDER BY {closedFirst} LIMIT 1";
        _byIdSql = bookmarkQuery + $"WHERE {B(nameof(BookmarkRecord.TenantId))} = @p0 AND {B(nameof(BookmarkRecord.Id))} = @p1";
        _instanceSql = $"SELECT {instanceColumns} FROM {_instances.Name} AS i WHERE {I(nameof(WorkflowInstanceRecord.Id))} = @p0";

        // A context that existed before the run has its row already (usually: one that was scheduled but
        // never ran before a fault has none). An upsert covers both; the columns a resumed execution keeps
        // (activity, start time) are only written when the row is new, and the optional ones only when set.
        var e = _executions;
        string Set(string property) => $"{e[property].Name} = excluded.{e[property].Name}";
        string Keep(string property) => $"{e[property].Name} = COALESCE(excluded.{e[property].Name}, {e.Name}.{e[property].Name})";
        _upsertExecutionSuffix = $" ON CONFLICT ({e[nameof(ActivityExecutionRecord.Id)].Name}) DO UPDATE SET " + string.Join(", ",
            Set(nameof(ActivityExecutionRecord.Status)),
            Set(nameof(ActivityExecutionRecord.CompletedAt)),
            Set(nameof(ActivityExecutionRecord.HasBookmarks)),
            Keep(nameof(ActivityExecutionRecord.ActivityState)),
            Keep(nameof(ActivityExecutionRecord.Outputs)),
            Keep(nameof(ActivityExecutionRecord.Exception)));
        _executionInsertSql = _executions.SingleRowInsert + _upsertExecutionSuffix;
        var closedAt = _bookmarks[nameof(BookmarkRecord.ClosedAt)].Name;
        _closeBookmarkSql = $"UPDATE {_bookmarks.Name} SET {closedAt} = @p0 WHERE {closedAt} IS NULL AND {_bookmarks[nameof(BookmarkRecord.Id)].Name} = @p1";
        _closeBookmarksPrefix = $"UPDATE {_bookmarks.Name} SET {closedAt} = @p0 WHERE {closedAt} IS NULL AND {_bookmarks[nameof(BookmarkRecord.Id)].Name} IN (";

        // The instance update, with and without the indexed columns SubStatus and CorrelationId (see UpdateInstanceAsync).
        _updateInstanceSql = new string[4];
        for (var variant = 0; variant < 4; variant++)
        {
            var columns = UpdatedInstanceColumns((variant & 1) != 0, (variant & 2) != 0);
            var set = string.Join(", ", columns.Select((c, i) => $"{_instances[c].Name} = {ParameterNames.Get(i)}"));
            _updateInstanceSql[variant] = $"UPDATE {_instances.Name} SET {set} WHERE {_instances[nameof(WorkflowInstanceRecord.Id)].Name} = {ParameterNames.Get(columns.Length)} " +
                                          $"AND {_instances[nameof(WorkflowInstanceRecord.Revision)].Name} = {ParameterNames.Get(columns.Length + 1)}";
        }
    }

    private static string[] UpdatedInstanceColumns(bool subStatus, bool correlationId) =>
    [
        nameof(WorkflowInstanceRecord.State), nameof(WorkflowInstanceRecord.Status),
        .. subStatus ? [nameof(WorkflowInstanceRecord.SubStatus)] : Array.Empty<string>(),
        .. correlationId ? [nameof(WorkflowInstanceRecord.CorrelationId)] : Array.Empty<string>(),
        nameof(WorkflowInstanceRecord.Name), nameof(WorkflowInstanceRecord.IncidentCount), nameof(WorkflowInstanceRecord.UpdatedAt),
        nameof(WorkflowInstanceRecord.FinishedAt), nameof(WorkflowInstanceRecord.Revision),
    ];

    // ---- reads (outside the step's transaction; the instance revision guards what was read) ----------

    public Task<BookmarkRow?> FindBookmarkByHashAsync(WorkflowDbContext db, string tenantId, string hash, CancellationToken ct) =>
        ReadBookmarkAsync(db, _byHashSql, tenantId, _bookmarks[nameof(BookmarkRecord.Hash)], hash, ct);

    public Task<BookmarkRow?> FindBookmarkAsync(WorkflowDbContext db, string tenantId, string bookmarkId, CancellationToken ct) =>
        ReadBookmarkAsync(db, _byIdSql, tenantId, _bookmarks[nameof(BookmarkRecord.Id)], bookmarkId, ct);

    private async Task<BookmarkRow?> ReadBookmarkAsync(WorkflowDbContext db, string sql, string tenantId, Column column, string value, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var statement = Statement.Create(db, sql);
            statement.Bind(0, _bookmarks[nameof(BookmarkRecord.TenantId)], tenantId);
            statement.Bind(1, column, value);
            if (!await statement.ReadAsync(ct)) return null;
            var instance = statement.IsNull(3) ? null : ReadInstance(statement, 3);
            var executionId = statement.IsNull(10) ? null : statement.GetString(10);
            return new BookmarkRow(statement.GetString(0), statement.GetString(1), statement.GetInt64(2) != 0, instance,
                executionId, executionId is not null && !statement.IsNull(11) ? statement.GetString(11) : null);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<InstanceRow?> FindInstanceAsync(WorkflowDbContext db, string instanceId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var statement = Statement.Create(db, _instanceSql);
            statement.Bind(0, _instances[nameof(WorkflowInstanceRecord.Id)], instanceId);
            return await statement.ReadAsync(ct) ? ReadInstance(statement, 0) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static InstanceRow ReadInstance(Statement row, int at) => new(
        row.GetString(at), row.GetString(at + 1), row.GetString(at + 2), (int)row.GetInt64(at + 3),
        row.GetString(at + 4), row.IsNull(at + 5) ? null : row.GetString(at + 5), row.GetString(at + 6));

    // ---- writes (inside the step's transaction, which the caller has begun on db) ----------------------

    /// <summary>Inserts a new instance. Reports <see cref="InstanceWrite.Duplicate"/> when its id exists already.</summary>
    public async Task<InstanceWrite> InsertInstanceAsync(WorkflowDbContext db, WorkflowInstanceRecord instance, CancellationToken ct)
    {
        await using var statement = Statement.Create(db, _instances.SingleRowInsert);
        statement.BindRow(_instances.InsertColumns, instance);
        try
        {
            await statement.ExecuteAsync(ct);
            return InstanceWrite.Applied;
        }
        catch (DbException e) when (IsDuplicateKey(e))
        {
            return InstanceWrite.Duplicate;
        }
    }

    /// <summary>
    /// Writes the instance's new state if its revision is still <paramref name="expectedRevision"/>.
    /// SubStatus and CorrelationId are indexed: they are only written when they change, so that an
    /// unchanged index entry is not rewritten (SQLite rewrites the index of every column it sets).
    /// </summary>
    public async Task<InstanceWrite> UpdateInstanceAsync(WorkflowDbContext db, WorkflowInstanceRecord instance, InstanceRow previous, int expectedRevision, CancellationToken ct)
    {
        var subStatus = instance.SubStatus != previous.SubStatus;
        var correlationId = instance.CorrelationId != previous.CorrelationId;
        await using var statement = Statement.Create(db, _updateInstanceSql[(subStatus ? 1 : 0) | (correlationId ? 2 : 0)]);
        var p = 0;
        void Set(string property, object? value) => statement.Bind(p++, _instances[property], value);
        Set(nameof(WorkflowInstanceRecord.State), instance.State);
        Set(nameof(WorkflowInstanceRecord.Status), instance.Status);
        if (subStatus) Set(nameof(WorkflowInstanceRecord.SubStatus), instance.SubStatus);
        if (correlationId) Set(nameof(WorkflowInstanceRecord.CorrelationId), instance.CorrelationId);
        Set(nameof(WorkflowInstanceRecord.Name), instance.Name);
        Set(nameof(WorkflowInstanceRecord.IncidentCount), instance.IncidentCount);
        Set(nameof(WorkflowInstanceRecord.UpdatedAt), instance.UpdatedAt);
        Set(nameof(WorkflowInstanceRecord.FinishedAt), instance.FinishedAt);
        Set(nameof(WorkflowInstanceRecord.Revision), expectedRevision + 1);
        Set(nameof(WorkflowInstanceRecord.Id), instance.Id);
        Set(nameof(WorkflowInstanceRecord.Revision), expectedRevision);
        return await statement.ExecuteAsync(ct) == 1 ? InstanceWrite.Applied : InstanceWrite.RevisionChanged;
    }

    /// <summary>The stored outputs of the given executions (rows that do not exist are left out).</summary>
    public async Task<Dictionary<string, string?>> ReadOutputsAsync(WorkflowDbContext db, IReadOnlyCollection<string> executionIds, CancellationToken ct)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (executionIds.Count == 0) return result;
        await using var command = CreateCommand(db, "");
        var id = _executions[nameof(ActivityExecutionRecord.Id)];
        var sql = new StringBuilder("SELECT ").Append(id.Name).Append(", ").Append(_executions[nameof(ActivityExecutionRecord.Outputs)].Name)
            .Append(" FROM ").Append(_executions.Name).Append(" WHERE ").Append(id.Name).Append(" IN (");
        var p = 0;
        foreach (var executionId in executionIds)
        {
            if (p > 0) sql.Append(", ");
            sql.Append(AddParameter(command, id, executionId, ref p));
        }
        command.CommandText = sql.Append(')').ToString();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            result[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return result;
    }

    /// <summary>
    /// Closes the resumed bookmarks and inserts the new bookmarks, journal lines and execution records
    /// (upserted: see the constructor).
    /// </summary>
    public async Task WriteRowsAsync(WorkflowDbContext db, IReadOnlyCollection<string> closedBookmarkIds, DateTimeOffset closedAt,
        IReadOnlyList<BookmarkRecord> newBookmarks, IReadOnlyList<JournalRecord> journal, IReadOnlyList<ActivityExecutionRecord> executions, CancellationToken ct)
    {
        if (closedBookmarkIds.Count == 0 && newBookmarks.Count == 0 && journal.Count == 0 && executions.Count == 0) return;
        if (db.Database.GetDbConnection() is SqliteConnection)
        {
            // In-process: one small cached statement per table, executed once per row.
            if (closedBookmarkIds.Count > 0)
            {
                await using var close = Statement.Create(db, _closeBookmarkSql);
                foreach (var bookmarkId in closedBookmarkIds)
                {
                    close.Bind(0, _bookmarks[nameof(BookmarkRecord.ClosedAt)], closedAt);
                    close.Bind(1, _bookmarks[nameof(BookmarkRecord.Id)], bookmarkId);
                    await close.ExecuteAsync(ct);
                }
            }
            await InsertRowsAsync(db, _bookmarks.SingleRowInsert, _bookmarks, newBookmarks, ct);
            await InsertRowsAsync(db, _journal.SingleRowInsert, _journal, journal, ct);
            await InsertRowsAsync(db, _executionInsertSql, _executions, executions, ct);
            return;
        }

        // A database server: everything in one command (one round trip), rows in multi-row statements.
        await using var command = CreateCommand(db, "");
        var sql = new StringBuilder(1024);
        var p = 0;
        if (closedBookmarkIds.Count > 0)
        {
            sql.Append(_closeBookmarksPrefix);
            AddParameter(command, _bookmarks[nameof(BookmarkRecord.ClosedAt)], closedAt, ref p);
            var first = true;
            foreach (var bookmarkId in closedBookmarkIds)
            {
                if (!first) sql.Append(", ");
                first = false;
                sql.Append(AddParameter(command, _bookmarks[nameof(BookmarkRecord.Id)], bookmarkId, ref p));
            }
            sql.Append(");\n");
        }
        for (var i = 0; i < newBookmarks.Count; i += RowsPerInsert)
            AppendInsert(sql, command, _bookmarks, Slice(newBookmarks, i), ref p, suffix: null);
        for (var i = 0; i < journal.Count; i += RowsPerInsert)
            AppendInsert(sql, command, _journal, Slice(journal, i), ref p, suffix: null);
        for (var i = 0; i < executions.Count; i += RowsPerInsert)
            AppendInsert(sql, command, _executions, Slice(executions, i), ref p, _upsertExecutionSuffix);
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task InsertRowsAsync<T>(WorkflowDbContext db, string sql, Table table, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        await using var statement = Statement.Create(db, sql);
        foreach (var row in rows)
        {
            statement.BindRow(table.InsertColumns, row);
            await statement.ExecuteAsync(ct);
        }
    }

    private static IReadOnlyList<T> Slice<T>(IReadOnlyList<T> rows, int start) =>
        start == 0 && rows.Count <= RowsPerInsert ? rows : rows.Skip(start).Take(RowsPerInsert).ToList();

    private static void AppendInsert<T>(StringBuilder sql, DbCommand command, Table table, IReadOnlyList<T> rows, ref int p, string? suffix) where T : class
    {
        sql.Append("INSERT INTO ").Append(table.Name).Append(" (").Append(table.InsertColumnList).Append(") VALUES ");
        for (var r = 0; r < rows.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            var columns = table.InsertColumns;
            for (var c = 0; c < columns.Length; c++)
            {
                if (c > 0) sql.Append(", ");
                sql.Append(AddParameter(command, columns[c], columns[c].Getter.GetClrValue(rows[r]), ref p));
            }
            sql.Append(')');
        }
        sql.Append(suffix).Append(";\n");
    }

    private static string AddParameter(DbCommand command, Column column, object? value, ref int p)
    {
        var name = ParameterNames.Get(p++);
        command.Parameters.Add(column.Mapping.CreateParameter(command, name, value, column.Property.IsNullable));
        return name;
    }

    private static DbCommand CreateCommand(WorkflowDbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.Database.GetCommandTimeout() is { } timeout) command.CommandTimeout = timeout;
        return command;
    }

    private static bool IsDuplicateKey(Exception e) =>
        e.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("duplicate key", StringComparison.OrdinalIgnoreCase);

    /// <summary>"@p0", "@p1", ... without formatting a string per parameter.</summary>
    private static class ParameterNames
    {
        private static readonly string[] Cached = Enumerable.Range(0, 512).Select(i => "@p" + i).ToArray();
        public static string Get(int i) => i < Cached.Length ? Cached[i] : "@p" + i;
    }

    private sealed record Column(string Name, IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter)
    {
        /// <summary>The value as stored (after the model's value converter, e.g. UTC ticks for times on SQLite).</summary>
        public object? ToProvider(object? value) => value is null ? null : Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }

    private sealed class Table
    {
        private readonly Dictionary<string, Column> _byProperty = new(StringComparer.Ordinal);

        public Table(IEntityType type, ISqlGenerationHelper sql)
        {
            Name = sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema());
            var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            foreach (var property in type.GetProperties())
                _byProperty[property.Name] = new Column(sql.DelimitIdentifier(property.GetColumnName(table)!), property,
                    (RelationalTypeMapping)property.GetRelationalTypeMapping(), property.GetGetter());
            // Store-generated keys (the journal's identity column) are left to the database.
            InsertColumns = _byProperty.Values.Where(c => c.Property.ValueGenerated == ValueGenerated.Never).ToArray();
            InsertColumnList = string.Join(", ", InsertColumns.Select(c => c.Name));
            SingleRowInsert = $"INSERT INTO {Name} ({InsertColumnList}) VALUES ({string.Join(", ", InsertColumns.Select((_, i) => ParameterNames.Get(i)))})";
        }

        public string Name { get; }
        public Column[] InsertColumns { get; }
        public string InsertColumnList { get; }
        /// <summary>INSERT of one row, with the parameters @p0, @p1, ... in the order of <see cref="InsertColumns"/>.</summary>
        public string SingleRowInsert { get; }
        public Column this[string property] => _byProperty[property];
    }

    /// <summary>
    /// One statement whose parameters are @p0, @p1, ... in order of appearance, bound by position;
    /// executed once or several times (bind again before each execution), or read row by row.
    /// </summary>
    private abstract class Statement : IAsyncDisposable
    {
        public static Statement Create(WorkflowDbContext db, string sql) =>
            db.Database.GetDbConnection() is SqliteConnection sqlite ? new SqliteStatement(sqlite, sql) : new CommandStatement(CreateCommand(db, sql));

        public abstract void Bind(int index, Column column, object? value);

        public void BindRow(Column[] columns, object row)
        {
            for (var c = 0; c < columns.Length; c++) Bind(c, columns[c], columns[c].Getter.GetClrValue(row));
        }

        /// <summary>Runs the statement; returns the number of rows it changed.</summary>
        public abstract ValueTask<int> ExecuteAsync(CancellationToken ct);

        /// <summary>Moves to the next result row (the first on the first call).</summary>
        public abstract ValueTask<bool> ReadAsync(CancellationToken ct);

        public abstract bool IsNull(int column);
        public abstract string GetString(int column);
        public abstract long GetInt64(int column);
        public abstract ValueTask DisposeAsync();
    }

    /// <summary>ADO.NET: a command with named parameters created through the EF type mappings.</summary>
    private sealed class CommandStatement(DbCommand command) : Statement
    {
        private DbDataReader? _reader;

        public override void Bind(int index, Column column, object? value)
        {
            if (index < command.Parameters.Count)
                command.Parameters[index].Value = column.ToProvider(value) ?? DBNull.Value;
            else
            {
                var p = index;
                AddParameter(command, column, value, ref p);
            }
        }

        public override async ValueTask<int> ExecuteAsync(CancellationToken ct) => await command.ExecuteNonQueryAsync(ct);

        public override async ValueTask<bool> ReadAsync(CancellationToken ct)
        {
            _reader ??= await command.ExecuteReaderAsync(ct);
            return await _reader.ReadAsync(ct);
        }

        public override bool IsNull(int column) => _reader!.IsDBNull(column);
        public override string GetString(int column) => _reader!.GetString(column);
        public override long GetInt64(int column) => Convert.ToInt64(_reader!.GetValue(column), System.Globalization.CultureInfo.InvariantCulture);

        public override async ValueTask DisposeAsync()
        {
            if (_reader is not null) await _reader.DisposeAsync();
            await command.DisposeAsync();
        }
    }
}
