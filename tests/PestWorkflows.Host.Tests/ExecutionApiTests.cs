using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using static PestWorkflows.Host.Tests.Infrastructure.Definitions;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

namespace PestWorkflows.Host.Tests;

public sealed class ExecutionApiTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private HostApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = new HostApp(_database);
        _client = await _app.LoginAsync(HostApp.Coordinator);
        
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private async Task<JsonNode> ExecuteAsync(string definitionId, JsonObject? body = null) =>
        (await _client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/{definitionId}/execute", body ?? new JsonObject()))["workflowState"]!;

    [Fact]
    public async Task Executing_hello_world_finishes_and_the_journal_shows_each_step_with_its_node_id()
    {
        var state = await ExecuteAsync("hello-world");
        var instanceId = (string)state["id"]!;

        Assert.Equal("Finished", (string?)state["status"]);
        Assert.Equal("Finished", (string?)state["subStatus"]);
        Assert.Equal("hello-world", (string?)state["definitionId"]);
        Assert.Equal(["Hallo"], _app.Output.For(instanceId));

        var instance = await _client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}");
        Assert.Equal("Finished", (string?)instance["status"]);
        Assert.Equal("Finished", (string?)instance["workflowState"]!["subStatus"]);
        Assert.Equal(HostApp.StartTime, DateTimeOffset.Parse((string)instance["createdAt"]!));

        var journal = await _client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}/journal?page=0&pageSize=50");
        var items = journal["items"]!.AsArray();
        Assert.Equal(items.Count, (int)journal["totalCount"]!);
        Assert.All(items, i => Assert.Null(i!["activityNodeId"]));
        var writeLine = items.Where(i => (string?)i!["nodeId"] == "Workflow1:Flowchart1:WriteLine1").Select(i => (string)i!["eventName"]!).ToList();
        Assert.Equal(["Started", "Completed"], writeLine);
        var sequences = items.Select(i => (long)i!["sequence"]!).ToList();
        Assert.Equal(sequences.Order(), sequences);

        // The viewer's filtered POST: children of the flowchart only, no workflow/flowchart lines.
        var filtered = await _client.PostJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}/journal?skip=0&take=110", JsonNode.Parse("""
            {"filter":{"activityIds":null,"activityNodeIds":["Workflow1:Flowchart1:Start1","Workflow1:Flowchart1:WriteLine1","Workflow1:Flowchart1:End1"],
             "excludedActivityTypes":["Elsa.Workflow","Elsa.Flowchart"],"eventNames":null}}
            """));
        var nodes = filtered["items"]!.AsArray().Select(i => $"{(string)i!["nodeId"]!} {(string)i["eventName"]!}").ToList();
        Assert.Equal(
            ["Workflow1:Flowchart1:Start1 Started", "Workflow1:Flowchart1:Start1 Completed",
             "Workflow1:Flowchart1:WriteLine1 Started", "Workflow1:Flowchart1:WriteLine1 Completed",
             "Workflow1:Flowchart1:End1 Started", "Workflow1:Flowchart1:End1 Completed"], nodes);

        var executions = await _client.GetJsonAsync($"{ElsaRoot}/activity-executions/list?workflowInstanceId={instanceId}&activityNodeId=Workflow1:Flowchart1:WriteLine1");
        var execution = Assert.Single(executions["items"]!.AsArray())!;
        Assert.Equal(1, (int)executions["count"]!);
        Assert.Equal("Completed", (string?)execution["status"]);
        Assert.Equal("Elsa.WriteLine", (string?)execution["activityType"]);
        Assert.Equal("Workflow1:Flowchart1:WriteLine1", (string?)execution["activityNodeId"]);
    }

    [Fact]
    public async Task Instances_are_listed_newest_first_with_the_Studio_query()
    {
        var started = await ExecuteAsync("hello-world", new JsonObject { ["correlationId"] = "zaak-1", ["input"] = new JsonObject { ["school"] = "De Klimop" } });
        Assert.Equal("zaak-1", (string?)started["correlationId"]);
        Assert.Equal("De Klimop", (string?)started["input"]!["school"]);
        var first = (string)started["id"]!;
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = (string)(await ExecuteAsync("hello-world"))["id"]!;

        var studio = await _client.PostJsonAsync($"{ElsaRoot}/workflow-instances", JsonNode.Parse("""
            {"page":0,"pageSize":10,"searchTerm":"","definitionId":null,"definitionIds":[],"correlationId":null,"version":null,"hasIncidents":null,
             "isSystem":false,"status":null,"statuses":[],"subStatus":null,"subStatuses":[],"orderBy":null,"orderDirection":"Descending","timestampFilters":[]}
            """));
        Assert.Equal(2, (int)studio["totalCount"]!);
        Assert.Equal([second, first], studio["items"]!.AsArray().Select(i => (string)i!["id"]!));

        var correlated = await _client.GetJsonAsync($"{ElsaRoot}/workflow-instances?correlationId=zaak-1");
        var only = Assert.Single(correlated["items"]!.AsArray())!;
        Assert.Equal(first, (string?)only["id"]);
        Assert.Equal("zaak-1", (string?)only["correlationId"]);

        using var bad = await _client.GetAsync($"{ElsaRoot}/workflow-instances?status=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Completing_a_RunTask_resumes_the_instance_and_a_second_completion_is_a_conflict()
    {
        await _client.SaveDefinitionAsync(StartThenEnd("taak", Activity("RunTask1", "Elsa.RunTask", new JsonObject { ["taskName"] = Literal("Gesprek voeren") })));
        var state = await ExecuteAsync("taak");
        var instanceId = (string)state["id"]!;
        Assert.Equal("Running", (string?)state["status"]);
        Assert.Equal("Suspended", (string?)state["subStatus"]);

        var bookmark = Assert.Single(state["bookmarks"]!.AsArray())!;
        Assert.Equal("Workflow1:Flowchart1:RunTask1", (string?)bookmark["activityNodeId"]);
        var taskId = (string)bookmark["payload"]!["taskId"]!;
        var executions = await _client.GetJsonAsync($"{ElsaRoot}/activity-executions/list?workflowInstanceId={instanceId}&activityNodeId=Workflow1:Flowchart1:RunTask1");
        var running = Assert.Single(executions["items"]!.AsArray())!;
        Assert.Equal(taskId, (string?)running["outputs"]!["TaskId"]);
        Assert.True((bool)running["hasBookmarks"]!);

        using (var completed = await _client.PostAsync($"{ElsaRoot}/tasks/{taskId}/complete", Content(new JsonObject { ["result"] = new JsonObject { ["besluit"] = "doorgaan" } })))
            Assert.Equal(HttpStatusCode.OK, completed.StatusCode);

        var instance = await _client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}");
        Assert.Equal("Finished", (string?)instance["subStatus"]);
        Assert.Empty(instance["workflowState"]!["bookmarks"]!.AsArray());
        var after = await _client.GetJsonAsync($"{ElsaRoot}/activity-executions/list?workflowInstanceId={instanceId}&activityNodeId=Workflow1:Flowchart1:RunTask1");
        Assert.Equal("doorgaan", (string?)after["items"]![0]!["outputs"]!["Result"]!["besluit"]);

        using var again = await _client.PostAsync($"{ElsaRoot}/tasks/{taskId}/complete", Content(new JsonObject { ["result"] = "nogmaals" }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        using var unknown = await _client.PostAsync($"{ElsaRoot}/tasks/no-such-task/complete", Content(new JsonObject { ["result"] = 1 }));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Triggering_an_event_resumes_only_the_instance_it_names()
    {
        await _client.SaveDefinitionAsync(StartThenEnd("wachten", Activity("Event1", "Elsa.Event", new JsonObject { ["eventName"] = Literal("MeldingOntvangen") })));
        var waiting = (string)(await ExecuteAsync("wachten"))["id"]!;
        var other = (string)(await ExecuteAsync("wachten"))["id"]!;

        using (var response = await _client.PostAsync($"{ElsaRoot}/events/MeldingOntvangen/trigger",
                   Content(new JsonObject { ["workflowInstanceId"] = waiting, ["input"] = new JsonObject { ["door"] = "leerkracht" } })))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.Equal("Finished", (string?)(await _client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{waiting}"))["subStatus"]);
        Assert.Equal("Suspended", (string?)(await _client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{other}"))["subStatus"]);
    }

    [Fact]
    public async Task Executing_an_unknown_definition_is_404_problem_details()
    {
        using var response = await _client.PostAsync($"{ElsaRoot}/workflow-definitions/nope/execute", Text("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        using var noBody = await _client.PostAsync($"{ElsaRoot}/workflow-definitions/hello-world/execute", null);
        Assert.Equal(HttpStatusCode.OK, noBody.StatusCode);
    }
}
