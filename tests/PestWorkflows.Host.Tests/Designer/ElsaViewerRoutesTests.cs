using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

namespace PestWorkflows.Host.Tests.Designer;

/// <summary>
/// What the Studio's instance viewer reads to show a case's flow: the node badges (report), the
/// selected node's executions (summaries, by id) and its call stack, compared with a genuine Elsa
/// server's answers; another school's instance and executions are 404s.
/// </summary>
public sealed class ElsaViewerRoutesTests : IAsyncLifetime
{
    private const string Regenboog = HostApp.Coordinator;
    private const string Vlinder = HostApp.OtherCoordinator;

    private SchoolApp _s = null!;
    private string _caseId = "";
    private string _instanceId = "";
    private List<string> _nodeIds = [];

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        var created = await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied"), ((string)pupils[1]["id"]!, "Bully")));
        _caseId = (string)created["id"]!;
        _instanceId = (string)created["workflowInstanceId"]!;
        var client = await _s.As(Regenboog);
        var instance = await client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{_instanceId}");
        var definition = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-id/{Uri.EscapeDataString((string)instance["definitionVersionId"]!)}");
        _nodeIds = definition["root"]!["activities"]!.AsArray().Select(a => (string)a!["nodeId"]!).ToList();
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<HttpStatusCode> StatusAsync(string email, HttpMethod method, string url, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Content(body) };
        using var response = await (await _s.As(email)).SendAsync(request);
        return response.StatusCode;
    }

    private Task<JsonNode> ReportAsync(string email) => _s.As(email).ContinueWith(c => c.Result.PostJsonAsync($"{ElsaRoot}/activity-executions/report",
        new JsonObject { ["workflowInstanceId"] = _instanceId, ["activityNodeIds"] = new JsonArray(_nodeIds.Select(n => (JsonNode?)n).ToArray()) })).Unwrap();

    [SkippableFact]
    public async Task The_report_colours_the_steps_done_and_the_waiting_one_as_Elsa_does()
    {
        var golden = Golden.Load("POST_activity_executions_report.json");
        var report = await ReportAsync(Regenboog);

        Assert.Equal(["stats"], Golden.Keys(report));
        var stats = report["stats"]!.AsArray().Select(s => s!).ToList();
        Assert.NotEmpty(stats);
        foreach (var stat in stats) Golden.AssertSameFields(golden["stats"]![0]!, stat);
        // Only nodes that ran, in the order asked; the steps before the waiting one are done (green) ...
        Assert.Equal(_nodeIds.Where(stats.Select(s => (string)s["activityNodeId"]!).Contains), stats.Select(s => (string)s["activityNodeId"]!));
        var waiting = stats.Where(s => (bool)s["isBlocked"]!).ToList();
        var blocked = Assert.Single(waiting);
        Assert.Equal(1, (int)blocked["startedCount"]!);
        Assert.Equal(1, (int)blocked["uncompletedCount"]!);
        Assert.All(stats.Where(s => s != blocked), s => Assert.Equal((int)s["startedCount"]!, (int)s["completedCount"]!));
        Assert.All(stats, s => Assert.False((bool)s["isFaulted"]!));
        // ... and the waiting one (amber) is the case's current step, as the task list says.
        var task = await _s.TaskAsync(Regenboog, _caseId, "Pestprotocol.DiscussWithCoordinator");
        var executions = await (await _s.As(Regenboog)).GetJsonAsync(
            $"{ElsaRoot}/activity-execution-summaries/list?WorkflowInstanceId={_instanceId}&ActivityNodeId={Uri.EscapeDataString((string)blocked["activityNodeId"]!)}");
        Assert.Equal((string?)task["activityType"], (string?)executions["items"]!.AsArray().Last()!["activityType"]);
    }

    [Fact]
    public async Task A_selected_step_shows_its_executions_and_the_last_is_the_running_one()
    {
        var client = await _s.As(Regenboog);
        var report = await ReportAsync(Regenboog);
        var waitingNode = (string)report["stats"]!.AsArray().Single(s => (bool)s!["isBlocked"]!)!["activityNodeId"]!;

        var summaries = await client.GetJsonAsync($"{ElsaRoot}/activity-execution-summaries/list?WorkflowInstanceId={_instanceId}&ActivityNodeId={Uri.EscapeDataString(waitingNode)}");
        Assert.Equal(["items", "count"], Golden.Keys(summaries));
        var last = summaries["items"]!.AsArray().Last()!;
        Assert.Equal(
            ["workflowInstanceId", "activityId", "activityNodeId", "activityType", "activityTypeVersion", "activityName", "startedAt", "hasBookmarks", "metadata", "status", "id"],
            Golden.Keys(last));
        Assert.Equal("Running", (string?)last["status"]);
        Assert.True((bool)last["hasBookmarks"]!);

        var record = await client.GetJsonAsync($"{ElsaRoot}/activity-executions/by-id?id={(string)last["id"]!}");
        Assert.Equal((string?)last["id"], (string?)record["id"]);
        Assert.Equal(waitingNode, (string?)record["activityNodeId"]);
        // Never "not fused": a state object stops the viewer from re-reading it every second once done.
        Assert.NotNull(record["activityState"]);

        var stack = await client.GetJsonAsync($"{ElsaRoot}/activity-executions/{(string)last["id"]!}/call-stack?includeCrossWorkflowChain=True");
        Assert.Equal(["activityExecutionId", "items", "totalCount"], Golden.Keys(stack));
        Assert.Equal((string?)last["id"], (string?)stack["items"]!.AsArray().Last()!["id"]);
        Assert.Equal(stack["items"]!.AsArray().Count, (int)stack["totalCount"]!);

        // Every one of these is the school's: for another school the instance and its executions do not exist.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/activity-execution-summaries/list?WorkflowInstanceId={_instanceId}&ActivityNodeId={Uri.EscapeDataString(waitingNode)}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/activity-executions/by-id?id={(string)last["id"]!}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/activity-executions/{(string)last["id"]!}/call-stack"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(Vlinder, HttpMethod.Post, $"{ElsaRoot}/activity-executions/report",
            new JsonObject { ["workflowInstanceId"] = _instanceId, ["activityNodeIds"] = new JsonArray(waitingNode) }));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/activity-executions/by-id?id=bestaat-niet"));
    }

    [SkippableFact]
    public async Task An_execution_by_id_has_the_fields_of_Elsas_activity_execution_record()
    {
        var golden = Golden.Load("GET_activity_executions_list__workflowInstanceId_id.json")["items"]![0]!;
        var client = await _s.As(Regenboog);
        var all = await client.GetJsonAsync($"{ElsaRoot}/activity-executions/list?WorkflowInstanceId={_instanceId}");
        var done = all["items"]!.AsArray().First(i => (string?)i!["status"] == "Completed")!;
        var record = await client.GetJsonAsync($"{ElsaRoot}/activity-executions/by-id?id={(string)done["id"]!}");
        // Who scheduled whom (the call stack's links) and the tenant are not recorded by the engine;
        // outputs are left out when there are none, as Elsa leaves them out of its Start record.
        Golden.AssertSameFields(golden, record, "schedulingActivityExecutionId", "schedulingActivityId", "callStackDepth", "tenantId", "outputs");
        Assert.True(JsonNode.DeepEquals(done, record));
    }
}
