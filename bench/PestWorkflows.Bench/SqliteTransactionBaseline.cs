using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using PestWorkflows.Engine;

namespace PestWorkflows.Bench;

/// <summary>
/// (b) Plain SQLite: single-row INSERT transactions per second, each committed separately
/// (BEGIN; INSERT; COMMIT), on a database file under <see cref="BenchmarkOptions.WorkDirectory"/>,
/// i.e. the same file system as the engine part's database. Measured at one <c>synchronous</c>
/// setting per instance; the run measures both, each beside the engine at the same setting.
/// <para>
/// The connection settings are public so that the engine part uses exactly the same ones; the
/// (a)/(b) ratio is only meaningful if it does.
/// </para>
/// </summary>
public sealed class SqliteTransactionBaseline(SqliteSynchronous synchronous) : IBenchmarkPart
{
    /// <summary>Write-ahead log journal. Persistent: stored in the database file once set.</summary>
    public const string JournalModePragma = "PRAGMA journal_mode=WAL;";

    /// <summary>FULL: fsync of the WAL at every commit. NORMAL: at WAL checkpoints only. Per connection.</summary>
    public static string SynchronousPragma(SqliteSynchronous synchronous) => $"PRAGMA synchronous={SettingName(synchronous)};";

    /// <summary>Human-readable form of the settings, as printed in the output.</summary>
    public static string SettingsDescription(SqliteSynchronous synchronous) => $"journal_mode=WAL, synchronous={SettingName(synchronous)}";

    public static string SettingName(SqliteSynchronous synchronous) => synchronous == SqliteSynchronous.Normal ? "NORMAL" : "FULL";

    /// <summary>Approximate payload of each inserted row, in bytes.</summary>
    public const int PayloadBytes = 100;

    public string Name => synchronous == SqliteSynchronous.Normal ? BenchmarkNames.SqliteNormal : BenchmarkNames.Sqlite;

    /// <summary>Measured interval: ~5 s (full) or ~0.5 s (quick).</summary>
    public static TimeSpan MeasureDuration(bool quick) => quick ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(5);

    /// <summary>Warm-up before the measured interval.</summary>
    public static TimeSpan WarmUpDuration(bool quick) => quick ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1);

    /// <summary>
    /// Applies <see cref="JournalModePragma"/> and the synchronous setting to an open connection and checks
    /// that SQLite accepted them (journal_mode=WAL can silently fail, e.g. on some network file systems).
    /// </summary>
    public static void ApplyPragmas(SqliteConnection connection, SqliteSynchronous synchronous)
    {
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = JournalModePragma;
            var mode = Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused journal_mode=WAL (got '{mode}') for {connection.DataSource}");
        }
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = SynchronousPragma(synchronous);
            cmd.ExecuteNonQuery();
        }
        // synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA (the enum's values are SQLite's)
        if (ScalarLong(connection, "PRAGMA synchronous;") != (long)synchronous)
            throw new InvalidOperationException($"SQLite did not accept synchronous={SettingName(synchronous)}");
    }

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var folder = Path.Combine(options.WorkDirectory, "sqlite-baseline-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var dbPath = Path.Combine(folder, "baseline.db");
        try
        {
            // Synchronous ADO.NET calls throughout: the measured loop must not pay for async state machines
            // the engine may or may not use. Run on a worker thread so the caller stays responsive.
            return await Task.Run(() => Measure(options, dbPath, ct), ct);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TryDelete(folder);
        }
    }

    private BenchmarkResult Measure(BenchmarkOptions options, string dbPath, CancellationToken ct)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = dbPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString();

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        ApplyPragmas(connection, synchronous);

        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, created_ticks INTEGER NOT NULL, payload TEXT NOT NULL);";
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO bench_rows (created_ticks, payload) VALUES ($ticks, $payload);";
        var ticks = insert.Parameters.Add("$ticks", SqliteType.Integer);
        var payload = insert.Parameters.Add("$payload", SqliteType.Text);
        ticks.Value = 0L;
        payload.Value = new string('x', PayloadBytes);
        insert.Prepare();

        var warmUp = RunTransactions(connection, insert, ticks, WarmUpDuration(options.Quick), ct);
        var measured = RunTransactions(connection, insert, ticks, MeasureDuration(options.Quick), ct);

        var rows = ScalarLong(connection, "SELECT count(*) FROM bench_rows;");
        if (rows != warmUp.Count + measured.Count)
            throw new InvalidOperationException($"expected {warmUp.Count + measured.Count} rows, found {rows}");

        var extra = new Dictionary<string, string>
        {
            ["settings"] = SettingsDescription(synchronous) + " (the engine part beside it uses the same)",
            ["journal_mode"] = ScalarString(connection, "PRAGMA journal_mode;"),
            ["synchronous"] = $"{SettingName(synchronous)} ({ScalarLong(connection, "PRAGMA synchronous;")})",
            ["transaction"] = "BEGIN IMMEDIATE (SqliteConnection.BeginTransaction()); one INSERT of one row; COMMIT",
            ["rowPayloadBytes"] = PayloadBytes.ToString(CultureInfo.InvariantCulture),
            ["warmUpTransactions"] = warmUp.Count.ToString(CultureInfo.InvariantCulture),
            ["sqliteVersion"] = ScalarString(connection, "SELECT sqlite_version();"),
            ["databaseFile"] = dbPath,
            ["fileSystem"] = FileSystemInfoHelper.Describe(dbPath),
        };
        return new BenchmarkResult(Name, measured.Count, measured.Elapsed, extra);
    }

    private static (long Count, TimeSpan Elapsed) RunTransactions(
        SqliteConnection connection, SqliteCommand insert, SqliteParameter ticks,
        TimeSpan duration, CancellationToken ct)
    {
        long count = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            if ((count & 0xFF) == 0)
                ct.ThrowIfCancellationRequested();

            using (var tx = connection.BeginTransaction())
            {
                insert.Transaction = tx;
                ticks.Value = DateTime.UtcNow.Ticks;
                insert.ExecuteNonQuery();
                tx.Commit();
            }
            count++;
        }
        sw.Stop();
        return (count, sw.Elapsed);
    }

    private static long ScalarLong(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string ScalarString(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
