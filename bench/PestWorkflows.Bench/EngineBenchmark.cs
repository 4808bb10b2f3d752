using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Bench;

/// <summary>
/// (a) Task completions per second through the engine on SQLite: each completion resumes a task
/// bookmark, runs to the next task and commits that step (one transaction). (d) Bytes stored per
/// suspended instance. One <c>synchronous</c> setting per instance (the engine's option
/// <see cref="WorkflowEngineOptions.SqliteSynchronous"/>); the run measures both.
/// </summary>
public sealed class EngineBenchmark(SqliteSynchronous synchronous) : IBenchmarkPart
{
    public string Name => synchronous == SqliteSynchronous.Normal ? BenchmarkNames.EngineNormal : BenchmarkNames.Engine;

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        // Measured: every instance of the (d) batch through its seven remaining tasks, one completion at a
        // time, round-robin over the instances (7,000 completions in the full run, 140 in the quick one).
        var sizeInstances = options.Quick ? 20 : 1000;
        // Warm-up (not measured): as many instances again through all their tasks, as the other parts warm
        // up first (the SQLite part for 1 s, the WorkflowCore part with a discarded repetition); with only a
        // few completions the tiered JIT had not settled and the first measured seconds ran at half speed.
        var warmUpInstances = options.Quick ? 10 : 300;
        const int tasksPerInstance = 8; // seven waits released after the first, as in the WorkflowCore part
        var file = Path.Combine(options.WorkDirectory, $"engine-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IWorkflowTextOutput, SilentOutput>()
            .AddWorkflowEngine(o => { o.Provider = DatabaseProvider.Sqlite; o.ConnectionString = $"Data Source={file}"; o.SqliteSynchronous = synchronous; })
            .BuildServiceProvider();
        try
        {
            await services.GetRequiredService<DatabaseInitializer>().InitializeAsync(ct);
            var store = services.GetRequiredService<WorkflowDefinitionStore>();
            var runtime = services.GetRequiredService<WorkflowRuntime>();
            var definition = await store.ImportAsync(Tenants.Default, SequentialTasks(tasksPerInstance), publish: true, ct);
            var settings = await CheckSettingsAsync(services, synchronous, ct);

            // (d) first: grow the database by a batch of suspended instances and divide.
            var before = await CheckpointedSizeAsync(services, file, ct);
            var taskIds = new List<string>();
            for (var i = 0; i < sizeInstances; i++)
                taskIds.Add(TaskId(await runtime.StartAsync(definition.DefinitionId, ct: ct)));
            var after = await CheckpointedSizeAsync(services, file, ct);
            var stateBytes = await ResumableBytesAsync(services, ct);

            var warmUp = new List<string>();
            for (var i = 0; i < warmUpInstances; i++)
                warmUp.Add(TaskId(await runtime.StartAsync(definition.DefinitionId, ct: ct)));
            var warmUpCompletions = await CompleteAllAsync(runtime, warmUp, tasksPerInstance - 1, ct);

            var stopwatch = Stopwatch.StartNew();
            var completions = await CompleteAllAsync(runtime, taskIds, tasksPerInstance - 1, ct);
            stopwatch.Stop();

            var bytesPerInstance = (after - before) / (double)sizeInstances;
            return new BenchmarkResult(Name, completions, stopwatch.Elapsed, new Dictionary<string, string>
            {
                [BenchmarkExtraKeys.BytesPerSuspendedInstance] = (stateBytes / (double)sizeInstances).ToString("F0", CultureInfo.InvariantCulture),
                ["fileBytesPerSuspendedInstance"] = bytesPerInstance.ToString("F0", CultureInfo.InvariantCulture),
                ["measure"] = "sequential CompleteTaskAsync: resume task bookmark, run to the next task, commit (one transaction per step)",
                ["instances"] = $"{sizeInstances} measured (7 completions each, round-robin), after a warm-up of {warmUpInstances} other instances ({warmUpCompletions} completions, not measured)",
                ["bytesPerSuspendedInstance means"] = "instance row (state JSON and columns) plus its open bookmark row: what is needed to resume it",
                ["fileBytesPerSuspendedInstance means"] = "database file growth per started instance, including journal and execution history and indexes",
                ["sqlite"] = settings,
            });
        }
        finally
        {
            await services.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        }
    }

    /// <summary>Completes every task of the given instances in rounds (one task of each instance per round).</summary>
    private static async Task<long> CompleteAllAsync(WorkflowRuntime runtime, List<string> taskIds, int rounds, CancellationToken ct)
    {
        var completions = 0L;
        for (var step = 0; step < rounds; step++)
        {
            for (var i = 0; i < taskIds.Count; i++)
            {
                if (taskIds[i] is null) continue;
                var result = await runtime.CompleteTaskAsync(Tenants.Default, taskIds[i], null, ct: ct);
                if (result.Outcome != RunOutcome.Applied) throw new InvalidOperationException($"Completion not applied: {result.Message}");
                completions++;
                taskIds[i] = result.Bookmarks.Count == 1 ? TaskId(result) : null!;
            }
        }
        return completions;
    }

    /// <summary>
    /// The durability settings on a connection of the engine's own, as the SQLite part beside it uses them:
    /// the engine sets them itself (WAL on the file, synchronous per connection from its option); this checks it.
    /// </summary>
    private static async Task<string> CheckSettingsAsync(IServiceProvider services, SqliteSynchronous synchronous, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        async Task<string> PragmaAsync(string name)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"PRAGMA {name};";
            return Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? "";
        }
        var journalMode = await PragmaAsync("journal_mode");
        var actual = await PragmaAsync("synchronous");
        var autoCheckpoint = await PragmaAsync("wal_autocheckpoint");
        var expected = ((int)synchronous).ToString(CultureInfo.InvariantCulture);
        var name = SqliteTransactionBaseline.SettingName(synchronous);
        if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase) || actual != expected)
            throw new InvalidOperationException($"The engine's connection has journal_mode={journalMode}, synchronous={actual}; the comparison needs WAL and {name} ({expected}).");
        return $"journal_mode={journalMode}, synchronous={name}, wal_autocheckpoint={autoCheckpoint} (read from an engine connection; same as the sqlite part at this setting)";
    }

    private static string TaskId(WorkflowRunResult result) => (string)result.Bookmarks.Single().Payload!["taskId"]!;

    private static async Task<long> CheckpointedSizeAsync(IServiceProvider services, string file, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
        return new FileInfo(file).Length;
    }

    private static async Task<long> ResumableBytesAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync(ct);
        var instances = await db.Instances.AsNoTracking().ToListAsync(ct);
        var bookmarks = await db.Bookmarks.AsNoTracking().Where(b => b.ClosedAt == null).ToListAsync(ct);
        long Text(params string?[] values) => values.Sum(v => (long)(v?.Length ?? 0));
        return instances.Sum(i => Text(i.Id, i.DefinitionId, i.DefinitionVersionId, i.Status, i.SubStatus, i.CorrelationId, i.Name, i.State) + 5 * 8)
             + bookmarks.Sum(b => Text(b.Id, b.WorkflowInstanceId, b.Name, b.Hash, b.ActivityId, b.ActivityNodeId, b.ActivityInstanceId, b.CorrelationId, b.Payload) + 4 * 8);
    }

    private static JsonObject SequentialTasks(int count)
    {
        static JsonObject Activity(string id, string type, string? taskName = null)
        {
            var a = new JsonObject { ["id"] = id, ["type"] = type, ["version"] = 1 };
            if (taskName is not null)
                a["taskName"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = taskName } };
            return a;
        }
        static JsonObject Connection(string from, string to) => new()
        {
            ["source"] = new JsonObject { ["activity"] = from, ["port"] = "Done" },
            ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
        };
        var activities = new JsonArray { Activity("Start1", "Elsa.Start") };
        var connections = new JsonArray();
        var previous = "Start1";
        for (var i = 1; i <= count; i++)
        {
            activities.Add(Activity($"Task{i}", "Elsa.RunTask", $"Stap {i}"));
            connections.Add(Connection(previous, $"Task{i}"));
            previous = $"Task{i}";
        }
        return new JsonObject
        {
            ["definitionId"] = "bench-sequential-tasks",
            ["name"] = "Benchmark",
            ["root"] = new JsonObject { ["id"] = "Flowchart1", ["type"] = "Elsa.Flowchart", ["activities"] = activities, ["connections"] = connections },
        };
    }

    private sealed class SilentOutput : IWorkflowTextOutput
    {
        public void WriteLine(string workflowInstanceId, string text) { }
    }
}
