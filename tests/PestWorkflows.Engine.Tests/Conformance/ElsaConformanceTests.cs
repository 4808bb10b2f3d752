using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;
using PestWorkflows.Engine.Tests.Infrastructure;

namespace PestWorkflows.Engine.Tests.Conformance;

/// <summary>
/// Runs every scenario of Elsa's conformance corpus (manifest.json) through the persistent runtime,
/// the way Elsa's own tests run them, and compares WriteLine output and final status.
/// </summary>
public abstract class ElsaConformanceTests
{
    protected abstract Task<EngineHost> StartHostAsync();

    [SkippableTheory]
    [MemberData(nameof(ConformanceCorpus.Normative), MemberType = typeof(ConformanceCorpus))]
    public async Task Normative_scenario_behaves_as_in_Elsa(string id)
    {
        Skip.If(ConformanceCorpus.Directory is null, ConformanceCorpus.SkipReason);
        await RunAndAssertAsync(ConformanceCorpus.Get(id), roundTrip: false);
    }

    [SkippableTheory]
    [MemberData(nameof(ConformanceCorpus.Normative), MemberType = typeof(ConformanceCorpus))]
    public async Task Normative_scenario_behaves_the_same_after_a_JSON_round_trip(string id)
    {
        Skip.If(ConformanceCorpus.Directory is null, ConformanceCorpus.SkipReason);
        await RunAndAssertAsync(ConformanceCorpus.Get(id), roundTrip: true);
    }

    private async Task RunAndAssertAsync(Scenario scenario, bool roundTrip)
    {
        await using var host = await StartHostAsync();
        var (lines, state, completedCount) = await RunAsync(host, scenario, roundTrip);

        if (scenario.WriteLines is not null) Assert.Equal(scenario.WriteLines, lines);
        if (scenario.WriteLinesUnordered is not null) Assert.Equal(scenario.WriteLinesUnordered.Order(), lines.Order());
        if (scenario.Status is not null) Assert.Equal(scenario.Status, state.Status.ToString());
        if (scenario.SubStatus is not null) Assert.Equal(scenario.SubStatus, state.SubStatus.ToString());
        if (scenario.AssertionKind == "activityCompletedCount") Assert.Equal(scenario.ExpectedCount ?? 1, completedCount);
    }

    /// <summary>Imports, starts, then (for "run until end") resumes every open bookmark until none remain.</summary>
    internal static async Task<(IReadOnlyList<string> Lines, WorkflowState State, int CompletedCount)> RunAsync(EngineHost host, Scenario scenario, bool roundTrip)
    {
        var document = WorkflowDefinitionJson.Parse(await File.ReadAllTextAsync(scenario.File));
        if (roundTrip)
            document = WorkflowDefinitionJson.Parse(WorkflowDefinitionJson.Write(document).ToJsonString());
        document["definitionId"] = null; // a fresh definition per run
        var definition = await host.Definitions.ImportAsync(Tenants.Default, document, publish: true);

        var started = await host.Runtime.StartAsync(definition.DefinitionId, new StartWorkflowOptions
        {
            FlowchartMode = scenario.TokenBased ? FlowchartExecutionMode.TokenBased : FlowchartExecutionMode.CounterBased,
        });
        Assert.Equal(RunOutcome.Applied, started.Outcome);
        var instanceId = started.InstanceId!;

        var state = (await host.Runtime.GetStateAsync(instanceId))!;
        for (var round = 0; scenario.RunUntilEnd && state.Status != WorkflowStatus.Finished && round < 20; round++)
        {
            List<string> open;
            await using (var db = await host.DbAsync())
                open = await db.Bookmarks.Where(b => b.WorkflowInstanceId == instanceId && b.ClosedAt == null)
                    .OrderBy(b => b.CreatedAt).Select(b => b.Id).ToListAsync();
            if (open.Count == 0) break;
            foreach (var bookmarkId in open)
                Assert.Equal(RunOutcome.Applied, (await host.Runtime.ResumeAsync(Tenants.Default, bookmarkId)).Outcome);
            state = (await host.Runtime.GetStateAsync(instanceId))!;
        }

        var completedCount = 0;
        if (scenario.ActivityId is not null)
        {
            await using var db = await host.DbAsync();
            completedCount = await db.Journal.CountAsync(j => j.WorkflowInstanceId == instanceId && j.ActivityId == scenario.ActivityId && j.EventName == JournalEvents.Completed);
        }
        return (host.Output.For(instanceId), state, completedCount);
    }
}

public sealed class ElsaConformanceOnSqliteTests : ElsaConformanceTests
{
    protected override Task<EngineHost> StartHostAsync() => EngineHost.StartAsync(DatabaseProvider.Sqlite, EngineHost.NewSqliteFile());

    /// <summary>Scenarios from an unmerged Elsa PR: run and reported, not required to match.</summary>
    [SkippableTheory]
    [MemberData(nameof(ConformanceCorpus.NonNormativeIds), MemberType = typeof(ConformanceCorpus))]
    public async Task Non_normative_scenario_runs_to_a_stable_state(string id)
    {
        Skip.If(ConformanceCorpus.Directory is null, ConformanceCorpus.SkipReason);
        var scenario = ConformanceCorpus.Get(id);
        await using var host = await StartHostAsync();
        var (lines, state, _) = await RunAsync(host, scenario, roundTrip: false);
        var matches = scenario.WriteLines is null || scenario.WriteLines.SequenceEqual(lines);
        // Reported, not asserted: these pin semantics Elsa's main branch does not have.
        Console.WriteLine($"non-normative {id}: lines [{string.Join(", ", lines)}], {state.Status}/{state.SubStatus}, {(matches ? "matches" : "differs from")} the PR's expectation");
        Assert.NotEqual(WorkflowSubStatus.Executing, state.SubStatus);
    }
}

[Collection("postgres")]
public sealed class ElsaConformanceOnPostgresTests(PostgresFixture postgres) : ElsaConformanceTests
{
    protected override async Task<EngineHost> StartHostAsync() =>
        await EngineHost.StartAsync(DatabaseProvider.Postgres, await postgres.Server.CreateDatabaseAsync());
}
