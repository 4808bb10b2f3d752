using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;
using PestWorkflows.Engine.Tests.Infrastructure;

namespace PestWorkflows.Engine.Tests.Reliability;

/// <summary>
/// The failures Elsa is known for must not happen here. Each test runs on a real database: a SQLite
/// file, and the same suite on a throwaway PostgreSQL cluster.
/// </summary>
public abstract class ReliabilityTests
{
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    protected readonly CapturedOutput Output = new();

    protected abstract DatabaseProvider Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    protected Task<EngineHost> StartHostAsync(string connectionString) => EngineHost.StartAsync(Provider, connectionString, Clock, Output);

    private static async Task<string> OpenTaskIdAsync(EngineHost host, string instanceId)
    {
        var state = await host.Runtime.GetStateAsync(instanceId);
        return (string)Assert.Single(state!.Bookmarks).Payload!["taskId"]!;
    }

    private static async Task<int> OpenBookmarkCountAsync(EngineHost host, string? instanceId = null)
    {
        await using var db = await host.DbAsync();
        return await db.Bookmarks.CountAsync(b => b.ClosedAt == null && (instanceId == null || b.WorkflowInstanceId == instanceId));
    }

    [Fact]
    public async Task Saves_of_one_definition_at_the_same_moment_all_succeed_and_make_one_new_draft()
    {
        // The designer auto-saves and publishes in quick succession; after a publish both saves start a new version.
        await using var host = await StartHostAsync(await NewDatabaseAsync());
        await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(1, "gelijktijdig"), publish: true);

        var saves = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            var model = TestWorkflows.SequentialTasks(1, "gelijktijdig");
            model["description"] = $"opslag {i}";
            return host.Definitions.SaveDraftAsync(Tenants.Default, model);
        })).ToList();
        var saved = await Task.WhenAll(saves);

        var versions = await host.Definitions.ListAsync(Tenants.Default, VersionOptions.All);
        var mine = versions.Where(v => v.DefinitionId == "gelijktijdig").OrderBy(v => v.Version).ToList();
        Assert.Equal([1, 2], mine.Select(v => v.Version));
        Assert.True(mine[0].IsPublished && !mine[0].IsLatest);
        Assert.True(!mine[1].IsPublished && mine[1].IsLatest);
        Assert.All(saved, s => Assert.Equal(mine[1].Id, s.Id));
    }

    [Fact]
    public async Task Five_hundred_concurrent_task_completions_each_advance_their_instance_exactly_once()
    {
        await using var host = await StartHostAsync(await NewDatabaseAsync());
        var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(2), publish: true);
        var instances = new List<(string InstanceId, string TaskId)>();
        for (var i = 0; i < 500; i++)
        {
            var started = await host.Runtime.StartAsync(definition.DefinitionId);
            instances.Add((started.InstanceId!, (string)started.Bookmarks.Single().Payload!["taskId"]!));
        }

        var results = await Task.WhenAll(instances.Select(x => Task.Run(() => host.Runtime.CompleteTaskAsync(Tenants.Default, x.TaskId, null, "leerkracht"))));

        Assert.All(results, r => Assert.Equal(RunOutcome.Applied, r.Outcome));
        await using var db = await host.DbAsync();
        var open = await db.Bookmarks.Where(b => b.ClosedAt == null).ToListAsync();
        Assert.Equal(500, open.Count); // exactly the second task of each instance, nothing left of the first
        Assert.All(open, b => Assert.Equal("Task2", b.ActivityId));
        Assert.Equal(500, open.Select(b => b.WorkflowInstanceId).Distinct().Count());
        var task1Completions = await db.Journal.CountAsync(j => j.ActivityId == "Task1" && j.EventName == JournalEvents.Completed);
        Assert.Equal(500, task1Completions);
    }

    [Fact]
    public async Task A_bookmark_can_be_resumed_immediately_after_the_instance_suspended()
    {
        await using var host = await StartHostAsync(await NewDatabaseAsync());
        var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(1), publish: true);
        for (var i = 0; i < 20; i++)
        {
            var started = await host.Runtime.StartAsync(definition.DefinitionId);
            Assert.Equal(WorkflowSubStatus.Suspended, started.SubStatus);
            var resumed = await host.Runtime.CompleteTaskAsync(Tenants.Default, (string)started.Bookmarks.Single().Payload!["taskId"]!, null);
            Assert.Equal(RunOutcome.Applied, resumed.Outcome);
            Assert.Equal(WorkflowSubStatus.Finished, resumed.SubStatus);
            Assert.Equal(["klaar"], Output.For(started.InstanceId!));
        }
    }

    [Fact]
    public async Task Two_concurrent_resumes_of_one_bookmark_apply_once_and_the_other_gets_a_conflict()
    {
        await using var host = await StartHostAsync(await NewDatabaseAsync());
        var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(2), publish: true);
        for (var round = 0; round < 10; round++)
        {
            var started = await host.Runtime.StartAsync(definition.DefinitionId);
            var taskId = (string)started.Bookmarks.Single().Payload!["taskId"]!;
            var results = await Task.WhenAll(
                Task.Run(() => host.Runtime.CompleteTaskAsync(Tenants.Default, taskId, null, "leerkracht1")),
                Task.Run(() => host.Runtime.CompleteTaskAsync(Tenants.Default, taskId, null, "leerkracht2")));

            Assert.Single(results, r => r.Outcome == RunOutcome.Applied);
            Assert.Single(results, r => r.Outcome == RunOutcome.Conflict);
            Assert.Equal(1, await OpenBookmarkCountAsync(host, started.InstanceId));
            await using var db = await host.DbAsync();
            Assert.Equal(1, await db.Journal.CountAsync(j => j.WorkflowInstanceId == started.InstanceId && j.ActivityId == "Task1" && j.EventName == JournalEvents.Completed));
        }
    }

    [Fact]
    public async Task A_restarted_host_continues_where_the_last_one_stopped()
    {
        var database = await NewDatabaseAsync();
        string instanceId, taskId;
        await using (var first = await StartHostAsync(database))
        {
            var definition = await first.Definitions.ImportAsync(Tenants.Default, TestWorkflows.SequentialTasks(2, "restart"), publish: true);
            var started = await first.Runtime.StartAsync(definition.DefinitionId);
            instanceId = started.InstanceId!;
            taskId = await OpenTaskIdAsync(first, instanceId);
        }
        await using (var second = await StartHostAsync(database))
        {
            Assert.Equal(RunOutcome.Applied, (await second.Runtime.CompleteTaskAsync(Tenants.Default, taskId, null)).Outcome);
            taskId = await OpenTaskIdAsync(second, instanceId);
        }
        await using (var third = await StartHostAsync(database))
        {
            var done = await third.Runtime.CompleteTaskAsync(Tenants.Default, taskId, null);
            Assert.Equal(WorkflowSubStatus.Finished, done.SubStatus);
        }
        Assert.Equal(["klaar"], Output.For(instanceId));
    }

    [Fact]
    public async Task A_timer_due_while_the_host_was_down_fires_once_and_never_again_after_five_restarts()
    {
        var database = await NewDatabaseAsync();
        string instanceId;
        await using (var host = await StartHostAsync(database))
        {
            var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.DelayThenWrite(TimeSpan.FromHours(1)), publish: true);
            instanceId = (await host.Runtime.StartAsync(definition.DefinitionId)).InstanceId!;
            Assert.Equal(0, await host.Timers.DispatchDueAsync()); // not due yet
        }

        Clock.Advance(TimeSpan.FromHours(3)); // the host is down while the timer falls due

        await using (var host = await StartHostAsync(database))
            Assert.Equal(1, await host.Timers.DispatchDueAsync());
        for (var restart = 0; restart < 5; restart++)
        {
            Clock.Advance(TimeSpan.FromMinutes(10));
            await using var host = await StartHostAsync(database);
            Assert.Equal(0, await host.Timers.DispatchDueAsync());
            Assert.Equal(WorkflowSubStatus.Finished, (await host.Runtime.GetStateAsync(instanceId))!.SubStatus);
        }
        Assert.Equal(["na de wachttijd"], Output.For(instanceId));
    }

    [Fact]
    public async Task A_timer_does_not_fire_before_it_is_due()
    {
        await using var host = await StartHostAsync(await NewDatabaseAsync());
        var definition = await host.Definitions.ImportAsync(Tenants.Default, TestWorkflows.DelayThenWrite(TimeSpan.FromMinutes(30)), publish: true);
        var instanceId = (await host.Runtime.StartAsync(definition.DefinitionId)).InstanceId!;
        Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await host.Timers.DispatchDueAsync());
        Assert.Empty(Output.For(instanceId));
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await host.Timers.DispatchDueAsync());
        Assert.Equal(["na de wachttijd"], Output.For(instanceId));
    }

    [Theory]
    [InlineData("unknown-type")]
    [InlineData("missing-target")]
    [InlineData("malformed")]
    public async Task An_invalid_definition_is_refused_with_a_precise_message_and_nothing_is_stored(string problem)
    {
        await using var host = await StartHostAsync(await NewDatabaseAsync());
        var valid = TestWorkflows.SequentialTasks(1, "geldig");
        var text = valid.ToJsonString();
        var expected = problem switch
        {
            "unknown-type" => "Activity 'Task1' has unknown type 'Elsa.DoesNotExist'.",
            "missing-target" => "goes to activity 'Nergens', which is not in the flowchart",
            _ => "Malformed JSON at line 1",
        };
        text = problem switch
        {
            "unknown-type" => text.Replace("\"Elsa.RunTask\"", "\"Elsa.DoesNotExist\""),
            "missing-target" => text.Replace("\"activity\":\"Done1\",\"port\":\"In\"", "\"activity\":\"Nergens\",\"port\":\"In\""),
            _ => text[..^10],
        };

        var error = await Assert.ThrowsAsync<WorkflowDefinitionException>(() => host.Definitions.ImportAsync(Tenants.Default, WorkflowDefinitionJson.Parse(text), publish: true));

        Assert.Contains(expected, error.Message);
        await using var db = await host.DbAsync();
        Assert.Equal(0, await db.Definitions.CountAsync());
    }
}

public sealed class ReliabilityOnSqliteTests : ReliabilityTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    protected override Task<string> NewDatabaseAsync() => Task.FromResult(EngineHost.NewSqliteFile());
}

[Collection("postgres")]
public sealed class ReliabilityOnPostgresTests(PostgresFixture postgres) : ReliabilityTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    protected override Task<string> NewDatabaseAsync() => postgres.Server.CreateDatabaseAsync();

    [Fact]
    public async Task Two_hosts_on_one_database_fire_each_due_timer_exactly_once()
    {
        var database = await NewDatabaseAsync();
        await using var a = await StartHostAsync(database);
        await using var b = await StartHostAsync(database);
        var definition = await a.Definitions.ImportAsync(Tenants.Default, TestWorkflows.DelayThenWrite(TimeSpan.FromMinutes(5)), publish: true);
        var instances = new List<string>();
        for (var i = 0; i < 60; i++)
            instances.Add((await (i % 2 == 0 ? a : b).Runtime.StartAsync(definition.DefinitionId)).InstanceId!);

        Clock.Advance(TimeSpan.FromMinutes(6));
        var fired = await Task.WhenAll(Task.Run(() => a.Timers.DispatchDueAsync()), Task.Run(() => b.Timers.DispatchDueAsync()));

        Assert.Equal(60, fired.Sum());
        Assert.All(instances, id => Assert.Equal(["na de wachttijd"], Output.For(id)));
        await using var db = await a.DbAsync();
        Assert.Equal(0, await db.Bookmarks.CountAsync(x => x.ClosedAt == null));
    }
}
