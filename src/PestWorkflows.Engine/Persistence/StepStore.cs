using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace PestWorkflows.Engine.Persistence;

/// <summary>The instance columns a resume needs, read in the same query as the bookmark.</summary>
internal sealed record InstanceRow(string Id, string DefinitionVersionId, string State, int Revision, string SubStatus, string? CorrelationId);

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
/// step (conditional instance update, then bookmarks, journal and execution records in one batch).
/// Table names, column names and parameter conversions come from the EF model of the context, so
/// the same code runs on SQLite and PostgreSQL. Everything else goes through EF as before.
/// </summary>
internal sealed class StepStore
{
    private static readonly ConditionalWeakTable<IModel, StepStore> Stores = new();

    /// <summary>Rows per multi-row INSERT (keeps the parameter count far below both providers' limits).</summary>
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
    private readonly bool _rowAtATime;

    public static StepStore For(WorkflowDbContext db) => Stores.GetValue(db.Model, _ => new StepStore(db));

    private StepStore(WorkflowDbContext db)
    {
        // SQLite runs in-process and looks statement parameters up by name, one by one: a small statement
        // prepared once per step and executed per row costs less there than one multi-row statement. A
        // database server (PostgreSQL) gets every row of the step in one batch, to save round trips.
        _rowAtATime = db.Database.IsSqlite();
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
        }.Select(I));
        var closedFirst = $"CASE WHEN {B(nameof(BookmarkRecord.ClosedAt))} IS NULL THEN 0 ELSE 1 END";
        var bookmarkQuery =
            $"SELECT {B(nameof(BookmarkRecord.Id))}, {B(nameof(BookmarkRecord.WorkflowInstanceId))}, {closedFirst}, {instanceColumns}, " +
            $"{A(nameof(ActivityExecutionRecord.Id))}, {A(nameof(ActivityExecutionRecord.Outputs))} " +
            $"FROM {_bookmarks.Name} AS b " +
            $"LEFT JOIN {_instances.Name} AS i ON {I(nameof(WorkflowInstanceRecord.Id))} = {B(nameof(BookmarkRecord.WorkflowInstanceId))} " +
            $"LEFT JOIN {_executions.Name} AS a ON {A(nameof(ActivityExecutionRecord.Id))} = {B(nameof(BookmarkRecord.ActivityInstanceId))} ";
        // An open bookmark first: a task's hash is unique, but a closed row is kept to answer "resumed already".
        _byHashSql = bookmarkQuery + $"WHERE {B(nameof(BookmarkRecord.Hash))} = @hash ORDER BY {closedFirst} LIMIT 1";
        _byIdSql = bookmarkQuery + $"WHERE {B(nameof(BookmarkRecord.Id))} = @id";
        _instanceSql = $"SELECT {instanceColumns} FROM {_instances.Name} AS i WHERE {I(nameof(WorkflowInstanceRecord.Id))} = @id";

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
        var closedAt = _bookmarks[nameof(BookmarkRecord.ClosedAt)].Name;
        _closeBookmarkSql = $"UPDATE {_bookmarks.Name} SET {closedAt} = @p0 WHERE {closedAt} IS NULL AND {_bookmarks[nameof(BookmarkRecord.Id)].Name} = @p1";
    }

    // ---- reads (outside the step's transaction; the instance revision guards what was read) ----------

    public Task<BookmarkRow?> FindBookmarkByHashAsync(WorkflowDbContext db, string hash, CancellationToken ct) =>
        ReadBookmarkAsync(db, _byHashSql, _bookmarks[nameof(BookmarkRecord.Hash)], "@hash", hash, ct);

    public Task<BookmarkRow?> FindBookmarkAsync(WorkflowDbContext db, string bookmarkId, CancellationToken ct) =>
        ReadBookmarkAsync(db, _byIdSql, _bookmarks[nameof(BookmarkRecord.Id)], "@id", bookmarkId, ct);

    private static async Task<BookmarkRow?> ReadBookmarkAsync(WorkflowDbContext db, string sql, Column column, string name, string value, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = CreateCommand(db, sql);
            command.Parameters.Add(column.Mapping.CreateParameter(command, name, value, nullable: false));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            var instance = reader.IsDBNull(3) ? null : ReadInstance(reader, 3);
            var executionId = reader.IsDBNull(9) ? null : reader.GetString(9);
            return new BookmarkRow(reader.GetString(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2)) != 0, instance,
                executionId, executionId is not null && !reader.IsDBNull(10) ? reader.GetString(10) : null);
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
            await using var command = CreateCommand(db, _instanceSql);
            command.Parameters.Add(_instances[nameof(WorkflowInstanceRecord.Id)].Mapping.CreateParameter(command, "@id", instanceId, nullable: false));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadInstance(reader, 0) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static InstanceRow ReadInstance(DbDataReader reader, int at) => new(
        reader.GetString(at), reader.GetString(at + 1), reader.GetString(at + 2), Convert.ToInt32(reader.GetValue(at + 3)),
        reader.GetString(at + 4), reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5));

    // ---- writes (inside the step's transaction, which the caller has begun on db) ----------------------

    /// <summary>Inserts a new instance. Reports <see cref="InstanceWrite.Duplicate"/> when its id exists already.</summary>
    public async Task<InstanceWrite> InsertInstanceAsync(WorkflowDbContext db, WorkflowInstanceRecord instance, CancellationToken ct)
    {
        await using var command = CreateCommand(db, "");
        var sql = new StringBuilder();
        var p = 0;
        AppendInsert(sql, command, _instances, [instance], ref p, suffix: null);
        command.CommandText = sql.ToString();
        try
        {
            await command.ExecuteNonQueryAsync(ct);
            return InstanceWrite.Applied;
        }
        catch (DbException e) when (IsDuplicateKey(e))
        {
            return InstanceWrite.Duplicate;
        }
    }

    /// <summary>
    /// Writes the instance's new state if its revision is still <paramref name="expectedRevision"/>.
    /// Indexed columns are only written when they change, so that an unchanged index is not rewritten.
    /// </summary>
    public async Task<InstanceWrite> UpdateInstanceAsync(WorkflowDbContext db, WorkflowInstanceRecord instance, InstanceRow previous, int expectedRevision, CancellationToken ct)
    {
        await using var command = CreateCommand(db, "");
        var sql = new StringBuilder("UPDATE ").Append(_instances.Name).Append(" SET ");
        var p = 0;
        var first = true;
        void Set(string property, object? value)
        {
            if (!first) sql.Append(", ");
            first = false;
            sql.Append(_instances[property].Name).Append(" = ").Append(AddParameter(command, _instances[property], value, ref p));
        }
        Set(nameof(WorkflowInstanceRecord.State), instance.State);
        Set(nameof(WorkflowInstanceRecord.Status), instance.Status);
        if (instance.SubStatus != previous.SubStatus) Set(nameof(WorkflowInstanceRecord.SubStatus), instance.SubStatus);
        if (instance.CorrelationId != previous.CorrelationId) Set(nameof(WorkflowInstanceRecord.CorrelationId), instance.CorrelationId);
        Set(nameof(WorkflowInstanceRecord.Name), instance.Name);
        Set(nameof(WorkflowInstanceRecord.IncidentCount), instance.IncidentCount);
        Set(nameof(WorkflowInstanceRecord.UpdatedAt), instance.UpdatedAt);
        Set(nameof(WorkflowInstanceRecord.FinishedAt), instance.FinishedAt);
        Set(nameof(WorkflowInstanceRecord.Revision), expectedRevision + 1);
        sql.Append(" WHERE ").Append(_instances[nameof(WorkflowInstanceRecord.Id)].Name).Append(" = ")
            .Append(AddParameter(command, _instances[nameof(WorkflowInstanceRecord.Id)], instance.Id, ref p))
            .Append(" AND ").Append(_instances[nameof(WorkflowInstanceRecord.Revision)].Name).Append(" = ")
            .Append(AddParameter(command, _instances[nameof(WorkflowInstanceRecord.Revision)], expectedRevision, ref p));
        command.CommandText = sql.ToString();
        return await command.ExecuteNonQueryAsync(ct) == 1 ? InstanceWrite.Applied : InstanceWrite.RevisionChanged;
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
    /// (upserted: see the constructor) in one batch.
    /// </summary>
    public async Task WriteRowsAsync(WorkflowDbContext db, IReadOnlyCollection<string> closedBookmarkIds, DateTimeOffset closedAt,
        IReadOnlyList<BookmarkRecord> newBookmarks, IReadOnlyList<JournalRecord> journal, IReadOnlyList<ActivityExecutionRecord> executions, CancellationToken ct)
    {
        if (closedBookmarkIds.Count == 0 && newBookmarks.Count == 0 && journal.Count == 0 && executions.Count == 0) return;
        if (_rowAtATime)
        {
            await CloseBookmarksAsync(db, closedBookmarkIds, closedAt, ct);
            await InsertRowsAsync(db, _bookmarks, newBookmarks, suffix: null, ct);
            await InsertRowsAsync(db, _journal, journal, suffix: null, ct);
            await InsertRowsAsync(db, _executions, executions, _upsertExecutionSuffix, ct);
            return;
        }
        await using var command = CreateCommand(db, "");
        var sql = new StringBuilder(1024);
        var p = 0;
        if (closedBookmarkIds.Count > 0)
        {
            var id = _bookmarks[nameof(BookmarkRecord.Id)];
            var closed = _bookmarks[nameof(BookmarkRecord.ClosedAt)];
            sql.Append("UPDATE ").Append(_bookmarks.Name).Append(" SET ").Append(closed.Name).Append(" = ")
                .Append(AddParameter(command, closed, closedAt, ref p)).Append(" WHERE ").Append(closed.Name).Append(" IS NULL AND ").Append(id.Name);
            if (closedBookmarkIds.Count == 1)
                sql.Append(" = ").Append(AddParameter(command, id, closedBookmarkIds.First(), ref p));
            else
            {
                sql.Append(" IN (");
                var firstId = true;
                foreach (var bookmarkId in closedBookmarkIds)
                {
                    if (!firstId) sql.Append(", ");
                    firstId = false;
                    sql.Append(AddParameter(command, id, bookmarkId, ref p));
                }
                sql.Append(')');
            }
            sql.Append(";\n");
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

    private async Task CloseBookmarksAsync(WorkflowDbContext db, IReadOnlyCollection<string> bookmarkIds, DateTimeOffset closedAt, CancellationToken ct)
    {
        if (bookmarkIds.Count == 0) return;
        await using var command = CreateCommand(db, _closeBookmarkSql);
        var p = 0;
        AddParameter(command, _bookmarks[nameof(BookmarkRecord.ClosedAt)], closedAt, ref p);
        var id = _bookmarks[nameof(BookmarkRecord.Id)];
        AddParameter(command, id, null, ref p);
        foreach (var bookmarkId in bookmarkIds)
        {
            command.Parameters[1].Value = ProviderValue(id, bookmarkId);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>One single-row statement, prepared on its first execution and executed again for each further row.</summary>
    private static async Task InsertRowsAsync<T>(WorkflowDbContext db, Table table, IReadOnlyList<T> rows, string? suffix, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        await using var command = CreateCommand(db, suffix is null ? table.SingleRowInsert : table.SingleRowInsert + suffix);
        var columns = table.InsertColumns;
        var p = 0;
        foreach (var column in columns) AddParameter(command, column, column.Getter.GetClrValue(rows[0]), ref p);
        await command.ExecuteNonQueryAsync(ct);
        for (var r = 1; r < rows.Count; r++)
        {
            for (var c = 0; c < columns.Length; c++)
                command.Parameters[c].Value = ProviderValue(columns[c], columns[c].Getter.GetClrValue(rows[r]));
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>What <see cref="RelationalTypeMapping.CreateParameter"/> would bind for the value (through the column's converter).</summary>
    private static object ProviderValue(Column column, object? value) =>
        (value is null ? null : column.Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value) ?? DBNull.Value;

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

    private sealed record Column(string Name, IProperty Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter);

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
}
