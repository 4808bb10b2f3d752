using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;

namespace PestWorkflows.Engine.Tests.Reliability;

/// <summary>
/// What one committed step leaves in the database (journal, execution records, bookmarks, instance
/// row), and that a step including its effects commits in one transaction or not at all, on both
/// providers.
/// </summary>
public abstract class StepPersistenceTests
{
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    protected abstract DatabaseProvider Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    private async Task<EngineHost> StartHostAsync(Action<IServiceCollection>? configure = null) =>
        await EngineHost.StartAsync(Provider, await NewDatabaseAsync(), Clock, configure: configure);

    private static string TaskId(WorkflowRunResult result) => (string)result.Bookmarks.Single().Payload!["taskId"]!;

    [Fact]
    public async Task A_completed_task_leaves_its_journal_execution_records_and_bookmarks()
    {
        await using var host = await StartHostAsync();
        var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(2), publish: true);
        var started = await host.Runtime.StartAsync(definition.DefinitionId);
        var firstTask = TaskId(started);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var completed = await host.Runtime.CompleteTaskAsync(Tenants.Default, firstTask, new JsonObject { ["outcome"] = "akkoord" }, actor: "mentor");

        Assert.Equal(RunOutcome.Applied, completed.Outcome);
        var secondTask = TaskId(completed);
        await using var db = await host.DbAsync();
        var instance = await db.Instances.SingleAsync(i => i.Id == started.InstanceId);
        Assert.Equal(2, instance.Revision);
        Assert.Equal("Suspended", instance.SubStatus);
        Assert.Equal(Clock.GetUtcNow(), instance.UpdatedAt);

        var journal = await db.Journal.Where(j => j.WorkflowInstanceId == started.InstanceId).OrderBy(j => j.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(j => j.Sequence));
        var step = journal.SkipWhile(j => j.EventName != JournalEvents.BookmarkResumed).Select(j => $"{j.EventName}:{j.ActivityId}:{j.Actor}").ToList();
        Assert.Equal(
            [
                "BookmarkResumed:Task1:mentor", "Resumed:Task1:mentor", "Completed:Task1:mentor",
                "Started:Task2:mentor", "BookmarkCreated:Task2:mentor", "Suspended:Task2:mentor", "WorkflowSuspended::mentor",
            ], step);
        Assert.All(journal.SkipWhile(j => j.EventName != JournalEvents.BookmarkResumed), j => Assert.Equal(Clock.GetUtcNow(), j.Timestamp));
        Assert.Equal("{\"Outcomes\":[\"Done\"]}", journal.Single(j => j.EventName == JournalEvents.Completed && j.ActivityId == "Task1").Payload);

        var executions = await db.ActivityExecutions.Where(a => a.WorkflowInstanceId == started.InstanceId).ToListAsync();
        var task1 = executions.Single(a => a.ActivityId == "Task1");
        Assert.Equal("Completed", task1.Status);
        Assert.False(task1.HasBookmarks);
        Assert.Equal(Clock.GetUtcNow() - TimeSpan.FromMinutes(5), task1.StartedAt); // kept from the step that started it
        Assert.Equal(Clock.GetUtcNow(), task1.CompletedAt);
        Assert.Equal("Elsa.RunTask", task1.ActivityType);
        Assert.Equal("{\"TaskName\":\"Stap 1\"}", task1.ActivityState);
        // The result is added to the task id the task set before it suspended.
        Assert.Equal($"{{\"TaskId\":\"{firstTask}\",\"Result\":{{\"outcome\":\"akkoord\"}}}}", task1.Outputs);
        var task2 = executions.Single(a => a.ActivityId == "Task2");
        Assert.Equal("Running", task2.Status);
        Assert.True(task2.HasBookmarks);
        Assert.Null(task2.CompletedAt);
        Assert.Equal($"{{\"TaskId\":\"{secondTask}\"}}", task2.Outputs);

        var bookmarks = await db.Bookmarks.Where(b => b.WorkflowInstanceId == started.InstanceId).ToListAsync();
        Assert.Equal(Clock.GetUtcNow(), bookmarks.Single(b => b.ActivityId == "Task1").ClosedAt);
        var open = bookmarks.Single(b => b.ActivityId == "Task2");
        Assert.Null(open.ClosedAt);
        Assert.Equal(StimulusHasher.Hash("Elsa.RunTask", RunTask.TaskStimulus(secondTask), null), open.Hash);
        Assert.Equal($"{{\"taskId\":\"{secondTask}\",\"_taskName\":\"Stap 2\"}}", open.Payload);

        // A second completion of the same task is a conflict, an unknown task is not found.
        Assert.Equal(RunOutcome.Conflict, (await host.Runtime.CompleteTaskAsync(Tenants.Default, firstTask, null)).Outcome);
        Assert.Equal(RunOutcome.NotFound, (await host.Runtime.CompleteTaskAsync(Tenants.Default, "bestaat-niet", null)).Outcome);
    }

    [Fact]
    public async Task A_step_effect_handler_works_inside_the_step_transaction_and_its_failure_undoes_the_whole_step()
    {
        var handler = new TransactionalEffectHandler();
        await using var host = await StartHostAsync(s => s.AddSingleton<IStepEffectHandler>(handler));
        var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(2), publish: true);
        var started = await host.Runtime.StartAsync(definition.DefinitionId);
        Assert.Equal([1], handler.RevisionsSeen);
        var task = TaskId(started);
        long JournalLines(WorkflowDbContext db) => db.Journal.Count(j => j.WorkflowInstanceId == started.InstanceId);
        long before;
        await using (var db = await host.DbAsync()) before = JournalLines(db);

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Runtime.CompleteTaskAsync(Tenants.Default, task, null, actor: "fail"));

        await using (var db = await host.DbAsync())
        {
            Assert.Equal(1, (await db.Instances.SingleAsync(i => i.Id == started.InstanceId)).Revision);
            Assert.Equal(before, JournalLines(db));
            var bookmark = await db.Bookmarks.SingleAsync(b => b.WorkflowInstanceId == started.InstanceId);
            Assert.Null(bookmark.ClosedAt);
            Assert.Equal("Running", (await db.ActivityExecutions.SingleAsync(a => a.WorkflowInstanceId == started.InstanceId && a.ActivityId == "Task1")).Status);
            Assert.Null(await db.ActivityExecutions.FirstOrDefaultAsync(a => a.WorkflowInstanceId == started.InstanceId && a.ActivityId == "Task2"));
        }

        var completed = await host.Runtime.CompleteTaskAsync(Tenants.Default, task, null, actor: "mentor");

        Assert.Equal(RunOutcome.Applied, completed.Outcome);
        Assert.Equal([1, 2, 2], handler.RevisionsSeen); // the failed attempt saw its own (undone) revision
        await using (var db = await host.DbAsync())
        {
            // The row the handler added through the step's context was saved with the step.
            Assert.Equal(2, await db.Journal.CountAsync(j => j.WorkflowInstanceId == started.InstanceId && j.EventName == "EffectApplied"));
            Assert.Equal(before + 8, JournalLines(db));
        }
    }

    [Fact]
    public async Task A_step_being_prepared_holds_up_no_other_step_and_writes_nothing_when_its_preparation_fails()
    {
        var gate = new PreparationGate();
        await using var host = await StartHostAsync(s => s.AddSingleton<IStepEffectHandler>(gate));
        var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(2), publish: true);
        var first = await host.Runtime.StartAsync(definition.DefinitionId);
        var second = await host.Runtime.StartAsync(definition.DefinitionId);

        // The first completion stops while its effects are prepared; the second completes meanwhile.
        gate.Hold = first.InstanceId;
        var completingFirst = host.Runtime.CompleteTaskAsync(Tenants.Default, TaskId(first), null);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var completedSecond = await host.Runtime.CompleteTaskAsync(Tenants.Default, TaskId(second), null).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RunOutcome.Applied, completedSecond.Outcome);
        Assert.False(gate.InTransaction, "the step's effects were prepared inside its transaction");

        // The held step's preparation fails: the step is not written, and can be done again.
        gate.Fail = true;
        gate.Release.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => completingFirst);
        await using (var db = await host.DbAsync())
            Assert.Equal(1, (await db.Instances.SingleAsync(i => i.Id == first.InstanceId)).Revision);
        gate.Fail = false;
        Assert.Equal(RunOutcome.Applied, (await host.Runtime.CompleteTaskAsync(Tenants.Default, TaskId(first), null)).Outcome);
    }

    /// <summary>Holds the preparation of one instance's step until released; fails it when told.</summary>
    private sealed class PreparationGate : IStepEffectHandler
    {
        public volatile string? Hold;
        public volatile bool Fail;
        public volatile bool InTransaction;
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask PrepareAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct)
        {
            if (effect is not RunTaskRequest) return;
            InTransaction |= db.Database.CurrentTransaction is not null;
            if (run.State.InstanceId != Hold) return;
            Hold = null;
            Entered.SetResult();
            await Release.Task.WaitAsync(ct);
            if (Fail) throw new InvalidOperationException("preparing failed");
        }

        public ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct) => ValueTask.CompletedTask;
    }

    /// <summary>
    /// Reads the instance row inside the step's transaction (it must already carry the step's revision)
    /// and adds a journal row through the step's context; throws for actor "fail".
    /// </summary>
    private sealed class TransactionalEffectHandler : IStepEffectHandler
    {
        public List<int> RevisionsSeen { get; } = [];

        public async ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct)
        {
            if (effect is not RunTaskRequest) return;
            Assert.NotNull(db.Database.CurrentTransaction);
            RevisionsSeen.Add(await db.Instances.Where(i => i.Id == run.State.InstanceId).Select(i => i.Revision).SingleAsync(ct));
            if (run.Actor == "fail") throw new InvalidOperationException("effect failed");
            db.Journal.Add(new JournalRecord
            {
                WorkflowInstanceId = run.State.InstanceId,
                Sequence = 1000 + run.State.JournalSequence,
                Timestamp = run.Clock.GetUtcNow(),
                EventName = "EffectApplied",
            });
        }
    }
}

public sealed class StepPersistenceOnSqliteTests : StepPersistenceTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    protected override Task<string> NewDatabaseAsync() => Task.FromResult(EngineHost.NewSqliteFile());

    [Theory]
    [InlineData(null, 2)] // FULL by default: an acknowledged step survives a power cut
    [InlineData(SqliteSynchronous.Full, 2)]
    [InlineData(SqliteSynchronous.Normal, 1)]
    public async Task Every_connection_the_engine_opens_has_WAL_and_the_connection_pragmas_also_when_it_comes_from_the_pool(SqliteSynchronous? configured, long expectedSynchronous)
    {
        await using var host = await EngineHost.StartAsync(Provider, await NewDatabaseAsync(), Clock,
            engine: configured is { } setting ? o => o.SqliteSynchronous = setting : null);
        await AssertPragmasAsync(host, expectedSynchronous);
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData(SqliteSynchronous.Normal, 1)]
    public async Task The_connection_a_step_commits_on_syncs_fully_unless_configured_otherwise(SqliteSynchronous? configured, long expectedSynchronous)
    {
        var handler = new SynchronousProbe();
        await using var host = await EngineHost.StartAsync(Provider, await NewDatabaseAsync(), Clock,
            configure: s => s.AddSingleton<IStepEffectHandler>(handler),
            engine: configured is { } setting ? o => o.SqliteSynchronous = setting : null);
        var record = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(2), publish: true);

        var started = await host.Runtime.StartAsync(record.DefinitionId);
        await host.Runtime.CompleteTaskAsync(Tenants.Default, (string)started.Bookmarks.Single().Payload!["taskId"]!, null);

        Assert.Equal([expectedSynchronous, expectedSynchronous], handler.Seen);
    }

    /// <summary>Reads PRAGMA synchronous on the step's own connection, inside its transaction.</summary>
    private sealed class SynchronousProbe : IStepEffectHandler
    {
        public List<long> Seen { get; } = [];

        public async ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct)
        {
            if (effect is not RunTaskRequest) return;
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            command.CommandText = "PRAGMA synchronous;";
            Seen.Add(Convert.ToInt64(await command.ExecuteScalarAsync(ct)));
        }
    }

    private static async Task AssertPragmasAsync(EngineHost host, long expectedSynchronous)
    {
        for (var i = 0; i < 3; i++)
        {
            await using var db = await host.DbAsync();
            await db.Database.OpenConnectionAsync();
            async Task<long> PragmaAsync(string name)
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = $"PRAGMA {name};";
                return Convert.ToInt64(await command.ExecuteScalarAsync());
            }
            Assert.Equal(expectedSynchronous, await PragmaAsync("synchronous"));
            Assert.Equal(30000, await PragmaAsync("busy_timeout"));
            Assert.Equal(1, await PragmaAsync("foreign_keys"));
            await using (var command = db.Database.GetDbConnection().CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode;";
                Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
            }
            await db.Database.CloseConnectionAsync();
        }
    }
}

[Collection("postgres")]
public sealed class StepPersistenceOnPostgresTests(PostgresFixture postgres) : StepPersistenceTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    protected override Task<string> NewDatabaseAsync() => postgres.Server.CreateDatabaseAsync();
}
