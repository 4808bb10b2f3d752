using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using static PestWorkflows.Engine.Tests.Infrastructure.TestWorkflows;

namespace PestWorkflows.Engine.Tests.Reliability;

/// <summary>
/// The durable outbox: what a step sends out of the process is a row of that step, handled after the
/// commit by the handler of its type, once across dispatchers, retried with a growing delay. On both providers.
/// </summary>
public abstract class OutboxTests
{
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    protected abstract DatabaseProvider Provider { get; }
    protected abstract Task<string> NewDatabaseAsync();

    private Task<EngineHost> StartHostAsync(string database, Action<IServiceCollection>? configure = null, Action<WorkflowEngineOptions>? engine = null) =>
        EngineHost.StartAsync(Provider, database, Clock, configure: configure, engine: engine);

    private static Task<WorkflowDefinitionRecord> ImportAsync(EngineHost host, System.Text.Json.Nodes.JsonObject definition) =>
        host.Definitions.ImportAsync(Tenants.Default, definition, publish: true);

    private static async Task<WorkflowSubStatus> SubStatusAsync(EngineHost host, string instanceId) =>
        (await host.Runtime.GetStateAsync(instanceId))!.SubStatus;

    private static async Task<OutboxMessageRecord> RowAsync(EngineHost host, string id)
    {
        await using var db = await host.DbAsync();
        return await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    private static async Task<string> EnqueueAsync(EngineHost host, string type, string payload = "{}")
    {
        await using var db = await host.DbAsync();
        return (await host.Services.GetRequiredService<Outbox>().EnqueueAsync(db, type, Tenants.Default, payload)).Id;
    }

    [Fact]
    public async Task A_published_event_whose_step_committed_reaches_its_waiting_instance_even_if_the_process_dies_right_after_the_commit()
    {
        var database = await NewDatabaseAsync();
        string waiter;
        await using (var dying = await StartHostAsync(database, engine: o => o.DeliverEventsAfterStep = false))
        {
            await ImportAsync(dying, Definition("wachter", [Activity("Wait1", "Elsa.Event", ("eventName", Literal("Gesprek"))), Activity("Write1", "Elsa.WriteLine", ("text", Literal("ontvangen")))],
                [Connection("Wait1", "Write1")]));
            await ImportAsync(dying, Definition("zender", [Activity("Pub1", "Elsa.PublishEvent", ("eventName", Literal("Gesprek")))], []));
            waiter = (await dying.Runtime.StartAsync("wachter")).InstanceId!;
            Assert.Equal(WorkflowSubStatus.Finished, (await dying.Runtime.StartAsync("zender")).SubStatus);
            // The process "dies" here: its step is committed, the delivery has not happened.
            Assert.Equal(WorkflowSubStatus.Suspended, await SubStatusAsync(dying, waiter));
        }

        await using var restarted = await StartHostAsync(database);
        Assert.Equal(1, await restarted.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync());

        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(restarted, waiter));
        Assert.Equal(["ontvangen"], restarted.Output.For(waiter));
        await using var db = await restarted.DbAsync();
        var row = await db.Outbox.SingleAsync();
        Assert.Equal((OutboxStatus.Done, 1, PublishedEventOutboxHandler.TypeName), (row.Status, row.Attempts, row.Type));
        Assert.Equal(0, await restarted.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync());
    }

    [Fact]
    public async Task A_published_event_is_delivered_once_right_after_its_step_and_its_row_is_done()
    {
        await using var host = await StartHostAsync(await NewDatabaseAsync());
        await ImportAsync(host, Definition("wachter", [Activity("Wait1", "Elsa.Event", ("eventName", Literal("Gesprek")))], []));
        await ImportAsync(host, Definition("zender", [Activity("Pub1", "Elsa.PublishEvent", ("eventName", Literal("Gesprek")))], []));
        var waiter = (await host.Runtime.StartAsync("wachter")).InstanceId!;

        await host.Runtime.StartAsync("zender");

        Assert.Equal(WorkflowSubStatus.Finished, await SubStatusAsync(host, waiter));
        Assert.Equal(0, await host.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync());
        await using var db = await host.DbAsync();
        Assert.Equal(OutboxStatus.Done, (await db.Outbox.SingleAsync()).Status);
    }

    [Fact]
    public async Task Two_dispatchers_racing_over_one_database_handle_each_row_once()
    {
        var database = await NewDatabaseAsync();
        var handled = new ConcurrentDictionary<string, int>();
        void Register(IServiceCollection s) => s.AddSingleton<IOutboxHandler>(new CountingHandler(handled));
        await using var one = await StartHostAsync(database, Register);
        await using var two = await StartHostAsync(database, Register);
        var ids = new List<string>();
        for (var i = 0; i < 60; i++) ids.Add(await EnqueueAsync(i % 2 == 0 ? one : two, CountingHandler.TypeName, $"{{\"n\":{i}}}"));

        var attempts = await Task.WhenAll(
            Task.Run(() => one.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync()),
            Task.Run(() => two.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync()));

        Assert.Equal(60, attempts.Sum());
        Assert.Equal(ids.Order(), handled.Keys.Order());
        Assert.All(handled.Values, count => Assert.Equal(1, count));
        await using var db = await one.DbAsync();
        Assert.All(await db.Outbox.ToListAsync(), row => Assert.Equal((OutboxStatus.Done, 1), (row.Status, row.Attempts)));
    }

    [Fact]
    public async Task A_failing_handler_is_retried_with_a_doubling_delay_and_its_attempts_and_error_are_kept()
    {
        var handler = new FlakyHandler(failures: 2);
        await using var host = await StartHostAsync(await NewDatabaseAsync(), s => s.AddSingleton<IOutboxHandler>(handler));
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var id = await EnqueueAsync(host, FlakyHandler.TypeName);
        var start = Clock.GetUtcNow();

        Assert.Equal(1, await dispatcher.DispatchDueAsync());
        var first = await RowAsync(host, id);
        Assert.Equal((OutboxStatus.Pending, 1, "SMTP-server onbereikbaar (1)", start + TimeSpan.FromSeconds(10)), (first.Status, first.Attempts, first.LastError, first.DueAt));
        Assert.Equal(0, await dispatcher.DispatchDueAsync()); // not due yet

        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await dispatcher.DispatchDueAsync());
        var second = await RowAsync(host, id);
        Assert.Equal((OutboxStatus.Pending, 2, Clock.GetUtcNow() + TimeSpan.FromSeconds(20)), (second.Status, second.Attempts, second.DueAt));

        Clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, await dispatcher.DispatchDueAsync());
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await dispatcher.DispatchDueAsync());
        var done = await RowAsync(host, id);
        Assert.Equal((OutboxStatus.Done, 3), (done.Status, done.Attempts));
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task A_permanent_failure_or_too_many_attempts_marks_the_row_failed_and_it_is_not_tried_again()
    {
        var handler = new FlakyHandler(failures: int.MaxValue);
        await using var host = await StartHostAsync(await NewDatabaseAsync(), s =>
        {
            s.AddSingleton<IOutboxHandler>(handler);
            s.AddSingleton<IOutboxHandler>(new RefusingHandler());
        }, o => o.OutboxMaxAttempts = 3);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();
        var refused = await EnqueueAsync(host, RefusingHandler.TypeName);
        var flaky = await EnqueueAsync(host, FlakyHandler.TypeName);

        for (var i = 0; i < 5; i++)
        {
            await dispatcher.DispatchDueAsync();
            Clock.Advance(TimeSpan.FromHours(1));
        }

        var refusedRow = await RowAsync(host, refused);
        Assert.Equal((OutboxStatus.Failed, 1, "550 Mailbox unavailable"), (refusedRow.Status, refusedRow.Attempts, refusedRow.LastError));
        var flakyRow = await RowAsync(host, flaky);
        Assert.Equal((OutboxStatus.Failed, 3), (flakyRow.Status, flakyRow.Attempts));
        Assert.Equal(3, handler.Calls);
    }

    [Fact]
    public async Task A_row_claimed_by_a_dispatcher_that_died_is_taken_over_when_its_claim_expires()
    {
        var database = await NewDatabaseAsync();
        var handled = new ConcurrentDictionary<string, int>();
        await using var host = await StartHostAsync(database, s => s.AddSingleton<IOutboxHandler>(new CountingHandler(handled)));
        var id = await EnqueueAsync(host, CountingHandler.TypeName);
        await using (var db = await host.DbAsync())
            await db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.LockedBy, "dead-host").SetProperty(o => o.LockedUntil, Clock.GetUtcNow() + TimeSpan.FromMinutes(2)).SetProperty(o => o.Attempts, 1));
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher>();

        Assert.Equal(0, await dispatcher.DispatchDueAsync());
        Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await dispatcher.DispatchDueAsync());

        Assert.Equal(1, handled[id]);
        var row = await RowAsync(host, id);
        Assert.Equal((OutboxStatus.Done, 2), (row.Status, row.Attempts));
    }

    private sealed class CountingHandler(ConcurrentDictionary<string, int> handled) : IOutboxHandler
    {
        public const string TypeName = "Test.Count";
        public string Type => TypeName;

        public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
        {
            handled.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
            await Task.Yield();
        }
    }

    private sealed class FlakyHandler(int failures) : IOutboxHandler
    {
        public const string TypeName = "Test.Flaky";
        private int _calls;
        public int Calls => _calls;
        public string Type => TypeName;

        public Task HandleAsync(OutboxMessage message, CancellationToken ct)
        {
            var call = Interlocked.Increment(ref _calls);
            if (call <= failures) throw new IOException($"SMTP-server onbereikbaar ({call})");
            return Task.CompletedTask;
        }
    }

    private sealed class RefusingHandler : IOutboxHandler
    {
        public const string TypeName = "Test.Refuse";
        public string Type => TypeName;
        public Task HandleAsync(OutboxMessage message, CancellationToken ct) => throw new OutboxPermanentFailureException("550 Mailbox unavailable");
    }
}

public sealed class OutboxOnSqliteTests : OutboxTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    protected override Task<string> NewDatabaseAsync() => Task.FromResult(EngineHost.NewSqliteFile());
}

[Collection("postgres")]
public sealed class OutboxOnPostgresTests(PostgresFixture postgres) : OutboxTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    protected override Task<string> NewDatabaseAsync() => postgres.Server.CreateDatabaseAsync();
}
