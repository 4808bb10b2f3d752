using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using static PestWorkflows.Engine.Tests.Infrastructure.TestWorkflows;

namespace PestWorkflows.Engine.Tests.Conformance;

/// <summary>
/// Scenarios from Elsa 3.8's own integration tests (FlowchartNextActivity/Tests.cs,
/// Flow/FlowchartCounterBasedTests.cs, Flow/FlowchartTokenBasedTests.cs, Branching/FlowJoinTests.cs),
/// written here as Elsa JSON, with the lines, status and incidents a real Elsa 3.8 server produces
/// for them. Each runs in the flowchart mode Elsa's test uses.
/// </summary>
public abstract class ElsaFlowchartScenarioTests
{
    protected abstract Task<EngineHost> StartHostAsync(Action<IServiceCollection>? configure = null);

    private const string InstanceStorage = "Elsa.Workflows.WorkflowInstanceStorageDriver, Elsa.Workflows.Core";

    private static JsonObject Write(string id, string text) => Activity(id, "Elsa.WriteLine", ("text", Literal(text)));
    private static JsonObject Join(string id, string mode) => Activity(id, "Elsa.FlowJoin", ("mode", Literal(mode)));
    private static JsonObject Decision(string id, string javaScript) => Activity(id, "Elsa.FlowDecision", ("condition", Script("JavaScript", javaScript, "Boolean")));
    private static JsonObject Fork(string id, params string[] branches) =>
        Activity(id, "Elsa.FlowFork", ("branches", Script("Object", new JsonArray(branches.Select(b => (JsonNode)b).ToArray()).ToJsonString(), "String[]")));
    private static JsonObject Wait(string id, string eventName) => Activity(id, "Elsa.Event", ("eventName", Literal(eventName)));
    private static JsonObject Increment(string id, string variable) => Activity(id, "Elsa.SetVariable",
        ("variable", new JsonObject { ["id"] = variable + "-id", ["name"] = variable, ["typeName"] = "Int32" }),
        ("value", Script("JavaScript", $"getVariable('{variable}') + 1")));
    private static JsonObject WithMergeMode(JsonObject activity, string mode)
    {
        ((JsonObject)activity["customProperties"]!)["mergeMode"] = mode;
        return activity;
    }
    private static JsonArray Counter(string name) =>
        [new JsonObject { ["id"] = name + "-id", ["name"] = name, ["typeName"] = "Int32", ["value"] = "0", ["storageDriverTypeName"] = InstanceStorage }];

    private sealed record Outcome(IReadOnlyList<string> Lines, WorkflowState State, string InstanceId);

    private static async Task<Outcome> RunAsync(EngineHost host, JsonObject definition, FlowchartExecutionMode mode)
    {
        var record = await host.Definitions.ImportAsync(Tenants.Default, definition, publish: true);
        var started = await host.Runtime.StartAsync(record.DefinitionId, new StartWorkflowOptions { FlowchartMode = mode });
        Assert.Equal(RunOutcome.Applied, started.Outcome);
        var state = (await host.Runtime.GetStateAsync(started.InstanceId!))!;
        return new Outcome(host.Output.For(started.InstanceId!), state, started.InstanceId!);
    }

    private static async Task<int> CompletedCountAsync(EngineHost host, string instanceId, string activityId)
    {
        await using var db = await host.DbAsync();
        return await db.Journal.CountAsync(j => j.WorkflowInstanceId == instanceId && j.ActivityId == activityId && j.EventName == JournalEvents.Completed);
    }

    private static void AssertFinished(Outcome outcome)
    {
        Assert.Equal(WorkflowStatus.Finished, outcome.State.Status);
        Assert.Equal(WorkflowSubStatus.Finished, outcome.State.SubStatus);
        Assert.Empty(outcome.State.Incidents);
        Assert.Empty(outcome.State.Bookmarks);
    }

    //           Start
    //          /  |  \
    //         A   B   C
    //         |   |   |
    //     Decision|   |
    //   false/ \true  |
    //       D   Join -+
    //       |    |
    //       |    E
    //        \  /
    //          F
    private static JsonObject JoinBehindDecision(bool decision, string joinMode) => Definition(null,
        [
            Activity("Start", "Elsa.Start"), Write("WriteLineA", "A"), Write("WriteLineB", "B"), Write("WriteLineC", "C"),
            Decision("Decision1", decision ? "true" : "false"), Write("WriteLineD", "D"), Join("Join1", joinMode),
            Write("WriteLineE", "E"), Write("WriteLineF", "F"),
        ],
        [
            Connection("Start", "WriteLineA"), Connection("Start", "WriteLineB"), Connection("Start", "WriteLineC"),
            Connection("WriteLineA", "Decision1"), Connection("Decision1", "Join1", "True"), Connection("Decision1", "WriteLineD", "False"),
            Connection("WriteLineB", "Join1"), Connection("WriteLineC", "Join1"), Connection("WriteLineD", "WriteLineF"),
            Connection("Join1", "WriteLineE"), Connection("WriteLineE", "WriteLineF"),
        ]);

    [Theory]
    [InlineData(false, "WaitAny", "A,B,C,D,E,F")]
    [InlineData(false, "WaitAll", "A,B,C,D,F")]
    [InlineData(false, "WaitAllActive", "A,B,C,D,E,F")]
    [InlineData(true, "WaitAny", "A,B,C,E,F")]
    [InlineData(true, "WaitAll", "A,B,C,E,F")]
    [InlineData(true, "WaitAllActive", "A,B,C,E,F")]
    public async Task Join_behind_a_decision_runs_the_branches_Elsa_runs(bool decision, string joinMode, string expected)
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, JoinBehindDecision(decision, joinMode), FlowchartExecutionMode.CounterBased);

        Assert.Equal(expected.Split(','), outcome.Lines);
        AssertFinished(outcome);
    }

    // Start → A → {B, C, D} → Join → LoopCount++ → (LoopCount < 3 ? back to A : End)
    [Theory]
    [InlineData("WaitAny")]
    [InlineData("WaitAll")]
    [InlineData("WaitAllActive")]
    public async Task Join_in_a_loop_runs_every_branch_in_every_round(string joinMode)
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, Definition(null,
            [
                Activity("Start1", "Elsa.Start"), Write("A", "A"), Write("B", "B"), Write("C", "C"), Write("D", "D"),
                Join("Join1", joinMode), Increment("Increment1", "LoopCount"), Decision("Loop1", "getVariable('LoopCount') < 3"), Activity("End1", "Elsa.End"),
            ],
            [
                Connection("Start1", "A"), Connection("A", "B"), Connection("A", "C"), Connection("A", "D"),
                Connection("B", "Join1"), Connection("C", "Join1"), Connection("D", "Join1"), Connection("Join1", "Increment1"),
                Connection("Increment1", "Loop1"), Connection("Loop1", "A", "True"), Connection("Loop1", "End1", "False"),
            ], Counter("LoopCount")), FlowchartExecutionMode.CounterBased);

        Assert.Equal(["A", "B", "C", "D", "A", "B", "C", "D", "A", "B", "C", "D"], outcome.Lines);
        AssertFinished(outcome);
    }

    // Elsa's bug 6479: Start → Switch; Switch (LoopCount < 3) → {A, LoopCount++} → Join → back to Switch; otherwise → B → End.
    [Theory]
    [InlineData("WaitAny")]
    [InlineData("WaitAll")]
    [InlineData("WaitAllActive")]
    public async Task Join_that_loops_back_leaves_the_loop_once_the_counter_is_reached(string joinMode)
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, Definition(null,
            [
                Activity("Start1", "Elsa.Start"), Decision("Switch1", "getVariable('LoopCount') < 3"), Write("A", "A"),
                Increment("Increment1", "LoopCount"), Join("Join1", joinMode), Write("B", "B"), Activity("End1", "Elsa.End"),
            ],
            [
                Connection("Start1", "Switch1"), Connection("Switch1", "A", "True"), Connection("Switch1", "Increment1", "True"),
                Connection("Switch1", "B", "False"), Connection("A", "Join1"), Connection("Increment1", "Join1"),
                Connection("Join1", "Switch1"), Connection("B", "End1"),
            ], Counter("LoopCount")), FlowchartExecutionMode.CounterBased);

        Assert.Equal(["A", "A", "A", "B"], outcome.Lines);
        AssertFinished(outcome);
    }

    // Start → Fork(A, B) → Join → Middle → Fork(C, D) → Join → End
    [Theory]
    [InlineData(FlowchartExecutionMode.CounterBased, "WaitAny")]
    [InlineData(FlowchartExecutionMode.CounterBased, "WaitAll")]
    [InlineData(FlowchartExecutionMode.TokenBased, "WaitAny")]
    [InlineData(FlowchartExecutionMode.TokenBased, "WaitAll")]
    public async Task Two_forks_and_joins_in_a_row_run_every_branch(FlowchartExecutionMode mode, string joinMode)
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, Definition(null,
            [
                Write("Start", "Start"), Fork("Fork1", "A", "B"), Write("A", "A"), Write("B", "B"), Join("Join1", joinMode), Write("Middle", "Middle"),
                Fork("Fork2", "C", "D"), Write("C", "C"), Write("D", "D"), Join("Join2", joinMode), Write("End", "End"),
            ],
            [
                Connection("Start", "Fork1"), Connection("Fork1", "A", "A"), Connection("Fork1", "B", "B"), Connection("A", "Join1"), Connection("B", "Join1"),
                Connection("Join1", "Middle"), Connection("Middle", "Fork2"), Connection("Fork2", "C", "C"), Connection("Fork2", "D", "D"),
                Connection("C", "Join2"), Connection("D", "Join2"), Connection("Join2", "End"),
            ]), mode);

        Assert.Equal(["Start", "A", "B", "Middle", "C", "D", "End"], outcome.Lines);
        AssertFinished(outcome);
    }

    // Start → {Branch1, Branch2} → AfterRace (merge mode Race), token mode.
    [Fact]
    public async Task Race_merge_runs_the_winner_once_and_finishes()
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, Definition(null,
            [Write("Start", "Start"), Write("Branch1", "Branch1"), Write("Branch2", "Branch2"), WithMergeMode(Write("AfterRace", "AfterRace"), "Race")],
            [Connection("Start", "Branch1"), Connection("Start", "Branch2"), Connection("Branch1", "AfterRace"), Connection("Branch2", "AfterRace")]),
            FlowchartExecutionMode.TokenBased);

        Assert.Equal(["Start", "Branch1", "Branch2", "AfterRace"], outcome.Lines);
        AssertFinished(outcome);
    }

    // Ours, beside Elsa's: the race's losing branch is running (waiting on an event) when the winner
    // arrives, so the race cancels it; the flowchart must still finish.
    [Fact]
    public async Task Race_merge_that_cancels_a_waiting_branch_finishes()
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, Definition(null,
            [Write("Start", "Start"), Wait("Slow", "NooitVerstuurd"), Write("A", "A"), Write("B", "B"), WithMergeMode(Write("AfterRace", "AfterRace"), "Race")],
            [Connection("Start", "Slow"), Connection("Start", "A"), Connection("A", "B"), Connection("B", "AfterRace"), Connection("Slow", "AfterRace")]),
            FlowchartExecutionMode.TokenBased);

        Assert.Equal(["Start", "A", "B", "AfterRace"], outcome.Lines);
        AssertFinished(outcome);
    }

    // Start → {Branch1, Blocking (waits for an event)} → Join (WaitAny) → AfterJoin, counter mode.
    // Elsa runs the join and AfterJoin twice here (the cancelled branch re-triggers the join while it
    // runs); ours runs them once. See README, "Known differences from Elsa".
    [Fact]
    public async Task WaitAny_join_cancels_a_blocked_branch_and_runs_once()
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, Definition(null,
            [Write("Start", "Start"), Write("Branch1", "Branch1"), Wait("BlockingBranch", "NooitVerstuurd"), Join("Join1", "WaitAny"), Write("AfterJoin", "AfterJoin")],
            [Connection("Start", "Branch1"), Connection("Start", "BlockingBranch"), Connection("Branch1", "Join1"), Connection("BlockingBranch", "Join1"), Connection("Join1", "AfterJoin")]),
            FlowchartExecutionMode.CounterBased);

        Assert.Equal(["Start", "Branch1", "AfterJoin"], outcome.Lines);
        AssertFinished(outcome);
        Assert.Equal(1, await CompletedCountAsync(host, outcome.InstanceId, "Join1"));
    }

    // Start → A → B → {C, D} → E → back to C. D reaches E without passing C, so the loop-back is invalid.
    [Fact]
    public async Task Invalid_backward_connection_faults_the_instance_as_in_Elsa()
    {
        await using var host = await StartHostAsync();
        var outcome = await RunAsync(host, Definition(null,
            [Activity("Start", "Elsa.Start"), Write("WriteLineA", "A"), Write("WriteLineB", "B"), Write("WriteLineC", "C"), Write("WriteLineD", "D"), Write("WriteLineE", "E")],
            [
                Connection("Start", "WriteLineA"), Connection("WriteLineA", "WriteLineB"), Connection("WriteLineB", "WriteLineC"), Connection("WriteLineB", "WriteLineD"),
                Connection("WriteLineC", "WriteLineE"), Connection("WriteLineD", "WriteLineE"), Connection("WriteLineE", "WriteLineC"),
            ]), FlowchartExecutionMode.CounterBased);

        Assert.Equal(["A", "B", "C", "D", "E"], outcome.Lines);
        Assert.Equal(WorkflowSubStatus.Faulted, outcome.State.SubStatus);
        var incident = Assert.Single(outcome.State.Incidents);
        Assert.Equal("Invalid backward connection: Every path from the source ('WriteLineE') must go through the target ('WriteLineC') when tracing back to the start.", incident.Message);
    }

    // A → B → back to A, nothing ever leaves: the step limit ends it as an incident on that instance.
    [Fact]
    public async Task A_loop_without_end_becomes_an_incident_and_other_instances_run_on()
    {
        await using var host = await StartHostAsync(s => s.Configure<WorkflowEngineOptions>(o => o.MaxActivitiesPerStep = 300));
        var endless = await RunAsync(host, Definition(null,
            [Activity("Start1", "Elsa.Start"), Write("A", "rond"), Write("B", "en rond")],
            [Connection("Start1", "A"), Connection("A", "B"), Connection("B", "A")]), FlowchartExecutionMode.CounterBased);

        Assert.Equal(WorkflowSubStatus.Faulted, endless.State.SubStatus);
        var incident = Assert.Single(endless.State.Incidents);
        Assert.Contains("MaxActivitiesPerStep", incident.Message);
        Assert.Contains("300", incident.Message);
        Assert.InRange(endless.Lines.Count, 250, 300);

        var healthy = await RunAsync(host, Definition(null, [Write("W", "gewoon")], []), FlowchartExecutionMode.CounterBased);
        Assert.Equal(["gewoon"], healthy.Lines);
        AssertFinished(healthy);
    }

    // Set two variables, wait for an event, read them again: only the one with a storage driver keeps its value.
    [Fact]
    public async Task A_variable_without_a_storage_driver_has_its_initial_value_again_after_a_wait()
    {
        await using var host = await StartHostAsync();
        JsonObject Set(string id, string variable) => Activity(id, "Elsa.SetVariable",
            ("variable", new JsonObject { ["id"] = variable + "-id", ["name"] = variable, ["typeName"] = "String" }), ("value", Literal("gezet")));
        JsonObject Show(string id) => Activity(id, "Elsa.WriteLine", ("text", Script("JavaScript", "getBewaard() + '/' + getVergankelijk()", "String")));
        var outcome = await RunAsync(host, Definition(null,
            [Set("Set1", "Bewaard"), Set("Set2", "Vergankelijk"), Show("Show1"), Wait("Wait1", "Verder"), Show("Show2")],
            [Connection("Set1", "Set2"), Connection("Set2", "Show1"), Connection("Show1", "Wait1"), Connection("Wait1", "Show2")],
            [
                new JsonObject { ["id"] = "Bewaard-id", ["name"] = "Bewaard", ["typeName"] = "String", ["value"] = "begin", ["storageDriverTypeName"] = InstanceStorage },
                new JsonObject { ["id"] = "Vergankelijk-id", ["name"] = "Vergankelijk", ["typeName"] = "String", ["value"] = "begin", ["storageDriverTypeName"] = null },
            ]), FlowchartExecutionMode.CounterBased);
        var bookmark = Assert.Single(outcome.State.Bookmarks);

        Assert.Equal(RunOutcome.Applied, (await host.Runtime.ResumeAsync(Tenants.Default, bookmark.Id)).Outcome);

        Assert.Equal(["gezet/gezet", "gezet/begin"], host.Output.For(outcome.InstanceId));
        Assert.Equal(WorkflowSubStatus.Finished, (await host.Runtime.GetStateAsync(outcome.InstanceId))!.SubStatus);
    }

    [Fact]
    public void The_default_step_limit_is_generous() =>
        Assert.Equal(10_000, new WorkflowEngineOptions().MaxActivitiesPerStep);
}

public sealed class ElsaFlowchartScenarioOnSqliteTests : ElsaFlowchartScenarioTests
{
    protected override Task<EngineHost> StartHostAsync(Action<IServiceCollection>? configure = null) =>
        EngineHost.StartAsync(DatabaseProvider.Sqlite, EngineHost.NewSqliteFile(), configure: configure);

    /// <summary>With the default limit too, a loop without end returns and is saved as an incident.</summary>
    [Fact]
    public async Task A_loop_without_end_stops_at_the_default_limit()
    {
        await using var host = await StartHostAsync();
        var record = await host.Definitions.ImportAsync(Tenants.Default, Definition(null,
            [Activity("Start1", "Elsa.Start"), Activity("A", "Elsa.WriteLine", ("text", Literal("rond"))), Activity("B", "Elsa.WriteLine", ("text", Literal("en rond")))],
            [Connection("Start1", "A"), Connection("A", "B"), Connection("B", "A")]), publish: true);

        var result = await host.Runtime.StartAsync(record.DefinitionId);

        Assert.Equal(WorkflowSubStatus.Faulted, result.SubStatus);
        Assert.Contains("10000", Assert.Single(result.Incidents).Message);
        Assert.Equal(WorkflowSubStatus.Faulted, (await host.Runtime.GetStateAsync(result.InstanceId!))!.SubStatus);
    }
}

[Collection("postgres")]
public sealed class ElsaFlowchartScenarioOnPostgresTests(PostgresFixture postgres) : ElsaFlowchartScenarioTests
{
    protected override async Task<EngineHost> StartHostAsync(Action<IServiceCollection>? configure = null) =>
        await EngineHost.StartAsync(DatabaseProvider.Postgres, await postgres.Server.CreateDatabaseAsync(), configure: configure);
}
