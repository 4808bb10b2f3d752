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
/// suspended instance.
/// </summary>
public sealed class EngineBenchmark : IBenchmarkPart
{
    public string Name => BenchmarkNames.Engine;

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var instances = options.Quick ? 20 : 150;
        const int tasksPerInstance = 8; // seven waits released after the first, as in the WorkflowCore part
        var file = Path.Combine(options.WorkDirectory, $"engine-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IWorkflowTextOutput, SilentOutput>()
            .AddWorkflowEngine(o => { o.Provider = DatabaseProvider.Sqlite; o.ConnectionString = $"Data Source={file}"; })
            .BuildServiceProvider();
        try
        {
            await services.GetRequiredService<DatabaseInitializer>().InitializeAsync(ct);
            var store = services.GetRequiredService<WorkflowDefinitionStore>();
            var runtime = services.GetRequiredService<WorkflowRuntime>();
            var definition = await store.ImportAsync(SequentialTasks(tasksPerInstance), publish: true, ct);

            // (d) first: grow the database by a batch of suspended instances and divide.
            var sizeInstances = options.Quick ? 200 : 1000;
            var before = await CheckpointedSizeAsync(services, file, ct);
            var taskIds = new List<string>();
            for (var i = 0; i < sizeInstances; i++)
            {
                var started = await runtime.StartAsync(definition.DefinitionId, ct: ct);
                if (i < instances) taskIds.Add(TaskId(started));
            }
            var after = await CheckpointedSizeAsync(services, file, ct);
            var stateBytes = await ResumableBytesAsync(services, ct);

            // Warm up with a few completions outside the measurement.
            var warmUp = taskIds.Take(5).ToList();
            for (var i = 0; i < warmUp.Count; i++)
                taskIds[i] = TaskId(await runtime.CompleteTaskAsync(warmUp[i], null, ct: ct));

            var completions = 0L;
            var stopwatch = Stopwatch.StartNew();
            for (var step = 0; step < tasksPerInstance - 1; step++)
            {
                for (var i = 0; i < taskIds.Count; i++)
                {
                    if (taskIds[i] is null) continue;
                    var result = await runtime.CompleteTaskAsync(taskIds[i], null, ct: ct);
                    if (result.Outcome != RunOutcome.Applied) throw new InvalidOperationException($"Completion not applied: {result.Message}");
                    completions++;
                    taskIds[i] = result.Bookmarks.Count == 1 ? TaskId(result) : null!;
                }
            }
            stopwatch.Stop();

            var bytesPerInstance = (after - before) / (double)sizeInstances;
            return new BenchmarkResult(Name, completions, stopwatch.Elapsed, new Dictionary<string, string>
            {
                [BenchmarkExtraKeys.BytesPerSuspendedInstance] = (stateBytes / (double)sizeInstances).ToString("F0", CultureInfo.InvariantCulture),
                ["fileBytesPerSuspendedInstance"] = bytesPerInstance.ToString("F0", CultureInfo.InvariantCulture),
                ["measure"] = "sequential CompleteTaskAsync: resume task bookmark, run to the next task, commit (one transaction per step)",
                ["bytesPerSuspendedInstance means"] = "instance row (state JSON and columns) plus its open bookmark row: what is needed to resume it",
                ["fileBytesPerSuspendedInstance means"] = "database file growth per started instance, including journal and execution history and indexes",
                ["sqlite"] = "WAL, synchronous=NORMAL (same as the sqlite part)",
            });
        }
        finally
        {
            await services.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        }
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
