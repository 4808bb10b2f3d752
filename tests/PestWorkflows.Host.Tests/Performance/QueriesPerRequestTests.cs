using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Performance;

/// <summary>
/// The SQL round trips of the three requests on a staff member's path (report a signal, list a case's
/// tasks, complete a task), in steady state: each bound is what the request needs now, so a change
/// that adds round trips to the path fails here. The workflow step's own commit runs on the engine's
/// kept SQLite statements and is not counted.
/// </summary>
public sealed class QueriesPerRequestTests : IAsyncLifetime
{
    /// <summary>The account (1), the pupils checked and their groups (2), the protocol's first step with its
    /// effects, the new signal offered to monitored cases of the bully (1), the 201 answer: case, tasks, names,
    /// pupils, instance (5). Was 35 (account in 2, the school read, the whole school's staff twice, the documents),
    /// then 30; 25 since the step's effect handlers share the case they read and write their rows in one save.</summary>
    private const int MaxReport = 25;
    /// <summary>The account and the case's tasks; names only of people other than the caller, staff options only
    /// for a person field. Was 5 (account in 2, the whole school's staff twice).</summary>
    private const int MaxList = 2;
    /// <summary>The account, the task, its bookmark (3), then the step (17, the account once more among them).
    /// Was 26 (account in 2 twice, the task's history, every staff id of the school), then 23; 20 since the step's
    /// effect handlers share the case they read and write their rows in one save.</summary>
    private const int MaxComplete = 20;

    private SchoolApp _s = null!;
    private SqlCommandCounter _counter = null!;
    private string _bullied = "", _bully = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        _bullied = (string)pupils[10]["id"]!;
        _bully = (string)pupils[11]["id"]!;
        _counter = new SqlCommandCounter(_s.App.Database.FilePath);
    }

    public async Task DisposeAsync()
    {
        _counter.Dispose();
        await _s.DisposeAsync();
    }

    [Fact]
    public async Task The_users_path_stays_within_its_round_trips()
    {
        // The first pass warms the host (key ring, compiled queries, prepared statements); the second is counted.
        await PathAsync();
        var (report, list, complete) = await PathAsync();

        var described = Describe("POST /api/cases", report, MaxReport) + "\n\n" + Describe("GET /api/tasks?caseId=", list, MaxList)
            + "\n\n" + Describe("POST /api/tasks/{id}/complete", complete, MaxComplete);
        Assert.True(report.Count <= MaxReport && list.Count <= MaxList && complete.Count <= MaxComplete, described);
    }

    /// <summary>
    /// EF opened and closed the connection around each query, and on SQLite every open registers EF's SQL
    /// functions and every close removes them: the request's context now opens it once, at its first query.
    /// </summary>
    [Fact]
    public async Task A_request_opens_its_database_connection_once()
    {
        var coordinator = await _s.As(HostApp.Coordinator);
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_bullied, "Bullied"), (_bully, "Bully"))))["id"]!;
        using (var warm = await coordinator.GetAsync($"/api/tasks?caseId={caseId}")) Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        _counter.Reset();
        using var listed = await coordinator.GetAsync($"/api/tasks?caseId={caseId}");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.True(_counter.Commands.Count >= 2, "the list sent fewer queries than the account and the tasks");
        Assert.Equal(1, _counter.ConnectionsOpened);
    }

    private async Task<(IReadOnlyList<string> Report, IReadOnlyList<string> List, IReadOnlyList<string> Complete)> PathAsync()
    {
        var teacher = await _s.As(HostApp.Teacher1);
        var coordinator = await _s.As(HostApp.Coordinator);

        _counter.Reset();
        using var reported = await teacher.PostAsync("/api/cases", HttpJson.Content(SchoolApp.Signal((_bullied, "Bullied"), (_bully, "Bully"))));
        var report = _counter.Commands;
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var caseId = (string)JsonNode.Parse(await reported.Content.ReadAsStringAsync())!["id"]!;

        _counter.Reset();
        using var listed = await coordinator.GetAsync($"/api/tasks?caseId={caseId}");
        var list = _counter.Commands;
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var task = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!.AsArray().Single(t => (int)t!["step"]! == 1)!;

        _counter.Reset();
        using var completed = await coordinator.PostAsync($"/api/tasks/{task["id"]}/complete",
            HttpJson.Content(new JsonObject { ["result"] = new JsonObject { ["notes"] = "Signalen besproken met de melder." } }));
        var complete = _counter.Commands;
        Assert.True(completed.IsSuccessStatusCode, $"complete: {(int)completed.StatusCode} {await completed.Content.ReadAsStringAsync()}");
        return (report, list, complete);
    }

    private static string Describe(string request, IReadOnlyList<string> commands, int max) =>
        $"{request} sent {commands.Count} SQL commands (at most {max}):\n" + string.Join("\n---\n", commands);
}
