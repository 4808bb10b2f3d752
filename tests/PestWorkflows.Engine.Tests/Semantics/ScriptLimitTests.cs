using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using static PestWorkflows.Engine.Tests.Infrastructure.TestWorkflows;

namespace PestWorkflows.Engine.Tests.Semantics;

/// <summary>
/// A script that would take the process's memory or time becomes an incident on its own instance;
/// the next instance runs as if nothing happened.
/// </summary>
public sealed class ScriptLimitTests : IAsyncLifetime
{
    private EngineHost _host = null!;

    public async Task InitializeAsync() => _host = await EngineHost.StartAsync(DatabaseProvider.Sqlite, EngineHost.NewSqliteFile());
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<WorkflowRunResult> WriteAsync(string expressionType, string script)
    {
        var record = await _host.Definitions.ImportAsync(Tenants.Default, Definition(null,
            [Activity("Write1", "Elsa.WriteLine", ("text", Script(expressionType, script, "String")))], []), publish: true);
        return await _host.Runtime.StartAsync(record.DefinitionId);
    }

    private async Task AssertIncidentAndOthersRunOnAsync(WorkflowRunResult result, string expectedInMessage)
    {
        Assert.Equal(WorkflowSubStatus.Faulted, result.SubStatus);
        var incident = Assert.Single(result.Incidents);
        Assert.Contains(expectedInMessage, incident.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_host.Output.For(result.InstanceId!));

        var next = await WriteAsync("JavaScript", "'volgende ' + (1 + 1)");
        Assert.Equal(WorkflowSubStatus.Finished, next.SubStatus);
        Assert.Equal(["volgende 2"], _host.Output.For(next.InstanceId!));
    }

    [Fact]
    public async Task JavaScript_that_makes_a_half_gigabyte_string_becomes_an_incident()
    {
        // Jint itself refuses 2**29 characters (its longest string); 2**28 are 512 MiB once they leave the script.
        var result = await WriteAsync("JavaScript", "'x'.repeat(2**28)");
        await AssertIncidentAndOthersRunOnAsync(result, "memory");
    }

    [Fact]
    public async Task JavaScript_that_fills_memory_in_a_loop_becomes_an_incident()
    {
        var result = await WriteAsync("JavaScript", "var a = []; for (var i = 0; i < 100; i++) a.push('x'.repeat(1000000) + i); a.length");
        await AssertIncidentAndOthersRunOnAsync(result, "memory");
    }

    [Fact]
    public async Task Liquid_that_loops_without_end_becomes_an_incident()
    {
        var result = await WriteAsync("Liquid", "{% for i in (1..5000) %}{% for j in (1..5000) %}{% endfor %}{% endfor %}klaar");
        await AssertIncidentAndOthersRunOnAsync(result, "Liquid expression on Elsa.WriteLine 'Write1' failed");
    }

    [Fact]
    public async Task Liquid_that_runs_a_million_steps_becomes_an_incident()
    {
        var result = await WriteAsync("Liquid", "{% for i in (1..1000000) %}{% endfor %}klaar");
        await AssertIncidentAndOthersRunOnAsync(result, "Liquid expression on Elsa.WriteLine 'Write1' failed");
    }

    [Fact]
    public async Task Ordinary_scripts_stay_well_within_the_limits()
    {
        var js = await WriteAsync("JavaScript", "var s = ''; for (var i = 0; i < 1000; i++) s += 'ab'; s.length");
        var liquid = await WriteAsync("Liquid", "{% for i in (1..200) %}{{ i }}{% endfor %}");

        Assert.Equal(["2000"], _host.Output.For(js.InstanceId!));
        Assert.Equal(WorkflowSubStatus.Finished, liquid.SubStatus);
        Assert.Equal(string.Concat(Enumerable.Range(1, 200)), Assert.Single(_host.Output.For(liquid.InstanceId!)));
    }
}
