using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using static PestWorkflows.Engine.Tests.Infrastructure.TestWorkflows;

namespace PestWorkflows.Engine.Tests.Reliability;

/// <summary>
/// Tenants, as in Elsa 3: definitions, instances and bookmarks carry a tenant id; starts, resumes,
/// tasks, events and lists resolve within the caller's tenant, with shared ("*") definitions readable
/// by all. Also the limit on events that set off events. On both providers.
/// </summary>
public abstract class TenantTests
{
    private const string A = "school-a";
    private const string B = "school-b";

    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    protected abstract DatabaseProvider Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    private async Task<EngineHost> StartHostAsync(Action<IServiceCollection>? configure = null) =>
        await EngineHost.StartAsync(Provider, await NewDatabaseAsync(), Clock, configure: configure);

    private static StartWorkflowOptions For(string tenantId) => new() { TenantId = tenantId };

    private static Task<Persistence.WorkflowDefinitionRecord> ImportAsync(EngineHost host, string tenantId, System.Text.Json.Nodes.JsonObject definition) =>
        host.Definitions.ImportAsync(tenantId, definition, publish: true);

    private static System.Text.Json.Nodes.JsonObject WaitThenWrite(string definitionId, string eventName) => Definition(definitionId,
        [Activity("Wait1", "Elsa.Event", ("eventName", Literal(eventName))), Activity("Write1", "Elsa.WriteLine", ("text", Literal("ontvangen")))],
        [Connection("Wait1", "Write1")]);

    private static System.Text.Json.Nodes.JsonObject Publish(string definitionId, string eventName) => Definition(definitionId,
        [Activity("Pub1", "Elsa.PublishEvent", ("eventName", Literal(eventName)))], []);

    private static async Task<WorkflowSubStatus> SubStatusAsync(EngineHost host, string instanceId) =>
        (await host.Runtime.GetStateAsync(instanceId))!.SubStatus;

    [Fact]
    public async Task An_event_published_in_one_tenant_resumes_only_that_tenants_instances()
    {
        await using var host = await StartHostAsync();
        var shared = await ImportAsync(host, Tenants.Shared, WaitThenWrite("wachter", "Signaal"));
        var a = (await host.Runtime.StartAsync(shared.DefinitionId, For(A))).InstanceId!;
        var b = (await host.Runtime.StartAsync(shared.DefinitionId, For(B))).InstanceId!;

        var resumed = await host.Runtime.PublishEventAsync(A, "Signaal");

        Assert.Equal([a], resumed.Select(r => r.InstanceId));
        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, a));
        Assert.Equal(WorkflowSubStatus.Suspended, await SubStatusAsync(host, b));
        Assert.Empty(await host.Runtime.PublishEventAsync(Tenants.Default, "Signaal"));
        Assert.Equal(WorkflowSubStatus.Suspended, await SubStatusAsync(host, b));

        // A shared definition's instances belong to their starters, and so do their bookmarks.
        await using var db = await host.DbAsync();
        Assert.Equal(B, (await db.Instances.SingleAsync(i => i.Id == b)).TenantId);
        Assert.Equal(A, (await db.Instances.SingleAsync(i => i.Id == a)).TenantId);
        Assert.Equal(B, (await db.Bookmarks.SingleAsync(x => x.WorkflowInstanceId == b)).TenantId);
    }

    [Fact]
    public async Task A_PublishEvent_inside_an_instance_reaches_only_the_instances_of_its_tenant()
    {
        await using var host = await StartHostAsync();
        var waiter = await ImportAsync(host, Tenants.Shared, WaitThenWrite("wachter", "Gesprek"));
        var sender = await ImportAsync(host, B, Publish("zender", "Gesprek"));
        var a = (await host.Runtime.StartAsync(waiter.DefinitionId, For(A))).InstanceId!;
        var b = (await host.Runtime.StartAsync(waiter.DefinitionId, For(B))).InstanceId!;

        Assert.Equal(WorkflowSubStatus.Finished, (await host.Runtime.StartAsync(sender.DefinitionId, For(B))).SubStatus);

        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, b));
        Assert.Equal(WorkflowSubStatus.Suspended, await SubStatusAsync(host, a));
    }

    [Fact]
    public async Task A_task_or_bookmark_of_another_tenant_is_not_found_and_stays_open()
    {
        await using var host = await StartHostAsync();
        var definition = await ImportAsync(host, A, SequentialTasks(1, "taken"));
        var started = await host.Runtime.StartAsync(definition.DefinitionId, For(A));
        var bookmark = started.Bookmarks.Single();
        var taskId = (string)bookmark.Payload!["taskId"]!;

        Assert.Equal(RunOutcome.NotFound, (await host.Runtime.CompleteTaskAsync(B, taskId, null)).Outcome);
        Assert.Equal(RunOutcome.NotFound, (await host.Runtime.ResumeAsync(B, bookmark.Id)).Outcome);
        Assert.Equal(RunOutcome.NotFound, (await host.Runtime.CompleteTaskAsync(Tenants.Default, taskId, null)).Outcome);
        Assert.Equal(WorkflowSubStatus.Suspended, await SubStatusAsync(host, started.InstanceId!));

        Assert.Equal(WorkflowSubStatus.Finished, (await host.Runtime.CompleteTaskAsync(A, taskId, null)).SubStatus);
    }

    [Fact]
    public async Task Definitions_are_listed_started_and_changed_within_the_tenant_and_shared_ones_only_read()
    {
        await using var host = await StartHostAsync();
        await ImportAsync(host, A, SequentialTasks(1, "eigen-a"));
        await ImportAsync(host, B, SequentialTasks(1, "eigen-b"));
        await ImportAsync(host, Tenants.Shared, SequentialTasks(1, "gedeeld"));

        var listed = (await host.Definitions.ListAsync(A, VersionOptions.Published)).Select(d => d.DefinitionId).Order().ToList();
        Assert.Equal(["eigen-a", "gedeeld"], listed);
        Assert.Null(await host.Definitions.FindAsync(A, "eigen-b", VersionOptions.Latest));
        var bVersion = (await host.Definitions.FindAsync(B, "eigen-b", VersionOptions.Latest))!;
        Assert.Null(await host.Definitions.FindVersionAsync(A, bVersion.Id));

        // Another tenant's definition cannot be started; a shared one starts as the starter's.
        Assert.Equal(RunOutcome.NotFound, (await host.Runtime.StartAsync("eigen-b", For(A))).Outcome);
        Assert.Equal(RunOutcome.NotFound, (await host.Runtime.StartVersionAsync(bVersion.Id, For(A))).Outcome);
        var fromShared = await host.Runtime.StartAsync("gedeeld", For(A));
        Assert.Equal(A, (await host.Runtime.GetStateAsync(fromShared.InstanceId!))!.TenantId);

        // Saving or publishing another tenant's or a shared definition stores nothing.
        await Assert.ThrowsAsync<DefinitionOfOtherTenantException>(() => host.Definitions.SaveDraftAsync(A, SequentialTasks(2, "eigen-b")));
        await Assert.ThrowsAsync<DefinitionOfOtherTenantException>(() => host.Definitions.SaveDraftAsync(A, SequentialTasks(2, "gedeeld")));
        Assert.Null(await host.Definitions.PublishAsync(A, "gedeeld"));
        Assert.Null(await host.Definitions.PublishAsync(A, "eigen-b"));
        await using var db = await host.DbAsync();
        Assert.Equal(3, await db.Definitions.CountAsync());
    }

    [Fact]
    public async Task A_database_from_before_tenants_gives_each_school_its_own_definitions_instances_and_bookmarks()
    {
        await using var host = await StartHostAsync();
        // As the host stored them before tenants: a school's definition carried customProperties.schoolId.
        var owned = WaitThenWrite("wachter-a", "Signaal");
        owned["customProperties"] = new System.Text.Json.Nodes.JsonObject { ["schoolId"] = A };
        await ImportAsync(host, Tenants.Default, owned);
        await ImportAsync(host, Tenants.Default, WaitThenWrite("gedeeld", "Signaal"));
        var ownedInstance = (await host.Runtime.StartAsync("wachter-a")).InstanceId!;
        var sharedInstance = (await host.Runtime.StartAsync("gedeeld")).InstanceId!;

        // Back to the schema before tenants, and up again as an upgrade does.
        await using (var db = await host.DbAsync())
        {
            var migrator = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync("OpenTimersIndex");
            await migrator.MigrateAsync();
        }

        await using (var db = await host.DbAsync())
        {
            Assert.Equal(A, (await db.Definitions.SingleAsync(d => d.DefinitionId == "wachter-a")).TenantId);
            Assert.Equal(Tenants.Shared, (await db.Definitions.SingleAsync(d => d.DefinitionId == "gedeeld")).TenantId);
            Assert.Equal(A, (await db.Instances.SingleAsync(i => i.Id == ownedInstance)).TenantId);
            Assert.Equal(Tenants.Default, (await db.Instances.SingleAsync(i => i.Id == sharedInstance)).TenantId);
            Assert.Equal(A, (await db.Bookmarks.SingleAsync(b => b.WorkflowInstanceId == ownedInstance)).TenantId);
        }

        // The school's instance hears its school's event, and only that one.
        Assert.Empty(await host.Runtime.PublishEventAsync(B, "Signaal"));
        Assert.Equal([ownedInstance], (await host.Runtime.PublishEventAsync(A, "Signaal")).Select(r => r.InstanceId));
        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, ownedInstance));
        Assert.Equal(["gedeeld", "wachter-a"], (await host.Definitions.ListAsync(A, VersionOptions.Published)).Select(d => d.DefinitionId).Order());
        Assert.Equal(["gedeeld"], (await host.Definitions.ListAsync(B, VersionOptions.Published)).Select(d => d.DefinitionId));
    }

    [Fact]
    public async Task Events_that_set_off_events_stop_at_the_depth_limit_with_an_incident_on_the_publisher()
    {
        await using var host = await StartHostAsync(s => s.Configure<WorkflowEngineOptions>(o => o.MaxEventDepth = 3));
        // relay-i waits for e{i} and then publishes e{i+1}: a caller's e1 sets off a chain.
        var instances = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            var relay = await ImportAsync(host, A, Definition($"relay-{i}",
                [Activity("Wait1", "Elsa.Event", ("eventName", Literal($"e{i}"))), Activity("Pub1", "Elsa.PublishEvent", ("eventName", Literal($"e{i + 1}")))],
                [Connection("Wait1", "Pub1")]));
            instances.Add((await host.Runtime.StartAsync(relay.DefinitionId, For(A))).InstanceId!);
        }

        await host.Runtime.PublishEventAsync(A, "e1");

        // Deliveries 1 to 3: relay-1 and relay-2 pass the event on; relay-3 (resumed by the third) may not.
        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, instances[0]));
        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, instances[1]));
        var publisher = (await host.Runtime.GetStateAsync(instances[2]))!;
        Assert.Equal(WorkflowSubStatus.Faulted, publisher.SubStatus);
        var incident = Assert.Single(publisher.Incidents);
        Assert.Equal("Elsa.PublishEvent", incident.ActivityType);
        Assert.Contains("limit is 3", incident.Message);
        Assert.Equal(WorkflowSubStatus.Suspended, await SubStatusAsync(host, instances[3]));
        Assert.Equal(WorkflowSubStatus.Suspended, await SubStatusAsync(host, instances[4]));

        // A retry is a caller's action, so the chain goes on from there.
        Assert.Equal(WorkflowSubStatus.Finished, (await host.Runtime.RetryAsync(instances[2])).SubStatus);
        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, instances[3]));
        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, instances[4]));
    }
}

public sealed class TenantOnSqliteTests : TenantTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    protected override Task<string> NewDatabaseAsync() => Task.FromResult(EngineHost.NewSqliteFile());
}

[Collection("postgres")]
public sealed class TenantOnPostgresTests(PostgresFixture postgres) : TenantTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    protected override Task<string> NewDatabaseAsync() => postgres.Server.CreateDatabaseAsync();
}
