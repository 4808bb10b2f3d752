using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>A change the coordinator publishes reaches new cases; running cases finish on their own version.</summary>
public sealed class ProtocolVersionTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _bullied = "", _bully = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        _bullied = (string)pupils[10]["id"]!;
        _bully = (string)pupils[11]["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<string> ReportAsync() =>
        (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_bullied, "Bullied"), (_bully, "Bully"))))["id"]!;

    private async Task<bool> HasMonitoringCheckAsync(string caseId) =>
        (await _s.CaseAsync(HostApp.Coordinator, caseId))["openTasks"]!.AsArray().Any(t => (string?)t!["activityType"] == "Pestprotocol.MonitorBehaviour");

    [Fact]
    public async Task A_shorter_monitoring_period_published_in_the_designer_reaches_new_cases_only()
    {
        var running = await ReportAsync();
        Assert.Equal(1, (int?)(await _s.CaseAsync(HostApp.Coordinator, running))["protocolVersion"]);

        // The coordinator sets both monitoring periods to one week and publishes, as the designer does.
        var designer = await _s.As(HostApp.Coordinator);
        var model = (await designer.GetJsonAsync($"{HttpJson.ElsaRoot}/workflow-definitions/by-definition-id/pestprotocol-regenboog?versionOptions=Latest")).AsObject();
        foreach (var monitor in model["root"]!["activities"]!.AsArray().Where(a => (string?)a!["type"] == "Pestprotocol.MonitorBehaviour"))
            monitor!["monitoringPeriod"]!["expression"]!["value"] = "7.00:00:00";
        var published = await designer.SaveDefinitionAsync(model);
        Assert.Equal(2, (int)published["version"]!);
        Assert.True((bool)published["isPublished"]!);

        var fresh = await ReportAsync();
        var freshCase = await _s.CaseAsync(HostApp.Coordinator, fresh);
        Assert.Equal(2, (int?)freshCase["protocolVersion"]);
        Assert.Equal(1, (int?)(await _s.CaseAsync(HostApp.Coordinator, running))["protocolVersion"]);
        Assert.Equal($"/designer/zaken/{(string)freshCase["workflowInstanceId"]!}", (string?)freshCase["flowUrl"]);

        await _s.UpToMonitoringAsync(running);
        await _s.UpToMonitoringAsync(fresh);
        _s.App.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await _s.RunTimersAsync();
        Assert.True(await HasMonitoringCheckAsync(fresh), "the new case did not ask 'is het gestopt?' after one week");
        Assert.False(await HasMonitoringCheckAsync(running), "the running case took the new period");

        _s.App.Clock.Advance(TimeSpan.FromDays(7));
        await _s.RunTimersAsync();
        Assert.True(await HasMonitoringCheckAsync(running), "the running case did not ask after its own two weeks");
    }

    [Fact]
    public async Task The_link_to_the_flow_is_only_for_those_who_may_open_the_designer()
    {
        var caseId = await ReportAsync();
        Assert.NotNull((string?)(await _s.CaseAsync(HostApp.Coordinator, caseId))["flowUrl"]);
        Assert.Null((string?)(await _s.CaseAsync(HostApp.Teacher1, caseId))["flowUrl"]);
    }
}
