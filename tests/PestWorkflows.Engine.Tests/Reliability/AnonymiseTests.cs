using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using static PestWorkflows.Engine.Tests.Infrastructure.TestWorkflows;

namespace PestWorkflows.Engine.Tests.Reliability;

/// <summary>
/// Anonymising a finished instance for retention (AVG): the name a step carried appears nowhere in the
/// engine's rows for it afterwards, while its status, times and journal shape stay. On both providers.
/// </summary>
public abstract class AnonymiseTests
{
    private const string School = "school-a";
    private const string Name = "Sanne de Vries";

    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    protected abstract DatabaseProvider Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    private static JsonObject ConversationAbout(string name) => Definition("gesprek",
        [
            Activity("Set1", "Elsa.SetVariable", ("variable", new JsonObject { ["id"] = "Naam-id", ["name"] = "Naam", ["typeName"] = "String" }), ("value", Literal(name))),
            Activity("Task1", "Elsa.RunTask", ("taskName", Literal($"Gesprek met {name}"))),
            Activity("Write1", "Elsa.WriteLine", ("text", Literal($"{name} is gesproken"))),
        ],
        [Connection("Set1", "Task1"), Connection("Task1", "Write1")],
        new JsonArray(new JsonObject { ["id"] = "Naam-id", ["name"] = "Naam", ["typeName"] = "String", ["value"] = name }));

    private static async Task<List<string>> TextOfEverythingAboutAsync(EngineHost host, string instanceId)
    {
        await using var db = await host.DbAsync();
        var texts = new List<string>();
        texts.AddRange((await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).ToListAsync()).Select(i => $"{i.Name}|{i.CorrelationId}|{i.State}"));
        texts.AddRange((await db.Bookmarks.AsNoTracking().Where(b => b.WorkflowInstanceId == instanceId).ToListAsync()).Select(b => $"{b.Name}|{b.Payload}"));
        texts.AddRange((await db.Journal.AsNoTracking().Where(j => j.WorkflowInstanceId == instanceId).ToListAsync()).Select(j => $"{j.EventName}|{j.Message}|{j.Payload}|{j.Actor}"));
        texts.AddRange((await db.ActivityExecutions.AsNoTracking().Where(a => a.WorkflowInstanceId == instanceId).ToListAsync()).Select(a => $"{a.ActivityName}|{a.ActivityState}|{a.Outputs}|{a.Exception}"));
        texts.AddRange((await db.Outbox.AsNoTracking().Where(o => o.WorkflowInstanceId == instanceId).ToListAsync()).Select(o => $"{o.Payload}|{o.LastError}"));
        return texts;
    }

    [Fact]
    public async Task A_finished_instance_keeps_its_shape_but_no_trace_of_the_pupil()
    {
        await using var host = await EngineHost.StartAsync(Provider, await NewDatabaseAsync(), Clock);
        var store = host.Services.GetRequiredService<WorkflowInstanceStore>();
        var definition = await host.Definitions.ImportAsync(School, ConversationAbout(Name), publish: true);
        var started = await host.Runtime.StartAsync(definition.DefinitionId, new StartWorkflowOptions { TenantId = School });
        var instanceId = started.InstanceId!;

        // Still waiting for its task: the variables are still needed.
        Assert.Equal(InstanceAnonymisation.NotFinished, await store.AnonymiseAsync(School, instanceId));
        Assert.Contains(await TextOfEverythingAboutAsync(host, instanceId), t => t.Contains(Name));

        var taskId = (string)started.Bookmarks.Single().Payload!["taskId"]!;
        Clock.Advance(TimeSpan.FromHours(1));
        var finished = await host.Runtime.CompleteTaskAsync(School, taskId, new JsonObject { ["verslag"] = $"{Name} was verdrietig" }, "leerkracht-1");
        Assert.Equal(WorkflowSubStatus.Finished, finished.SubStatus);
        var before = (await host.Runtime.GetStateAsync(instanceId))!;
        int journalLines, executions;
        await using (var db = await host.DbAsync())
        {
            journalLines = await db.Journal.CountAsync(j => j.WorkflowInstanceId == instanceId);
            executions = await db.ActivityExecutions.CountAsync(a => a.WorkflowInstanceId == instanceId);
        }

        // Another school cannot anonymise (or even find) it.
        Assert.Equal(InstanceAnonymisation.NotFound, await store.AnonymiseAsync("school-b", instanceId));
        Assert.Contains(await TextOfEverythingAboutAsync(host, instanceId), t => t.Contains(Name));

        Assert.Equal(InstanceAnonymisation.Anonymised, await store.AnonymiseAsync(School, instanceId));

        Assert.DoesNotContain(await TextOfEverythingAboutAsync(host, instanceId), t => t.Contains(Name) || t.Contains("Sanne"));
        var after = (await host.Runtime.GetStateAsync(instanceId))!;
        Assert.Equal(WorkflowSubStatus.Finished, after.SubStatus);
        Assert.Equal(before.CreatedAt, after.CreatedAt);
        Assert.Equal(before.FinishedAt, after.FinishedAt);
        Assert.Equal(before.Contexts.Select(c => (c.NodeId, c.Status)), after.Contexts.Select(c => (c.NodeId, c.Status)));
        Assert.Equal(before.Variables.Keys, after.Variables.Keys);
        Assert.All(after.Variables.Values, Assert.Null);
        await using (var db = await host.DbAsync())
        {
            Assert.Equal(journalLines, await db.Journal.CountAsync(j => j.WorkflowInstanceId == instanceId));
            Assert.Equal(executions, await db.ActivityExecutions.CountAsync(a => a.WorkflowInstanceId == instanceId));
        }

        // A second run (the daily job after a crash) finds nothing left to do and changes nothing.
        Assert.Equal(InstanceAnonymisation.Anonymised, await store.AnonymiseAsync(School, instanceId));
        Assert.DoesNotContain(await TextOfEverythingAboutAsync(host, instanceId), t => t.Contains("Sanne"));
    }

    [Fact]
    public async Task An_unknown_instance_is_not_found()
    {
        await using var host = await EngineHost.StartAsync(Provider, await NewDatabaseAsync(), Clock);
        Assert.Equal(InstanceAnonymisation.NotFound, await host.Services.GetRequiredService<WorkflowInstanceStore>().AnonymiseAsync(School, "bestaat-niet"));
    }
}

public sealed class AnonymiseOnSqliteTests : AnonymiseTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    protected override Task<string> NewDatabaseAsync() => Task.FromResult(EngineHost.NewSqliteFile());
}

[Collection("postgres")]
public sealed class AnonymiseOnPostgresTests(PostgresFixture postgres) : AnonymiseTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    protected override Task<string> NewDatabaseAsync() => postgres.Server.CreateDatabaseAsync();
}
