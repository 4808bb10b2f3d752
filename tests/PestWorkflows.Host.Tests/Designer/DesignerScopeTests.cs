using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using static PestWorkflows.Host.Tests.Infrastructure.Definitions;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

namespace PestWorkflows.Host.Tests.Designer;

/// <summary>
/// The designer API per school: a coordinator sees their own school's definitions and the shared
/// ones, and the instances of those; another school's are answered as if they did not exist.
/// Regenboog's coordinator is <see cref="HostApp.Coordinator"/>, Vlinder's <see cref="HostApp.OtherCoordinator"/>.
/// </summary>
public sealed class DesignerScopeTests : IAsyncLifetime
{
    private const string Regenboog = HostApp.Coordinator;
    private const string Vlinder = HostApp.OtherCoordinator;
    private const string VlinderProtocol = "pestprotocol-vlinder";

    private SchoolApp _s = null!;

    public Task InitializeAsync()
    {
        _s = new SchoolApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private sealed record Answer(HttpStatusCode Status, string? MediaType, string Text)
    {
        public JsonNode Json => JsonNode.Parse(Text)!;
    }

    private async Task<Answer> SendAsync(string email, HttpMethod method, string url, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Content(body) };
        using var response = await (await _s.As(email)).SendAsync(request);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static void AssertNotFound(Answer answer, string what)
    {
        Assert.True(answer.Status == HttpStatusCode.NotFound, $"{what}: expected 404, got {(int)answer.Status} {answer.Text}");
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.Equal(404, (int)answer.Json["status"]!);
    }

    private async Task<List<string>> DefinitionIdsAsync(string email) =>
        (await (await _s.As(email)).GetJsonAsync($"{ElsaRoot}/workflow-definitions?versionOptions=AllVersions"))["items"]!.AsArray()
            .Select(i => (string)i!["definitionId"]!).Distinct().ToList();

    private async Task<List<string>> InstanceIdsAsync(string email)
    {
        var viaGet = (await (await _s.As(email)).GetJsonAsync($"{ElsaRoot}/workflow-instances?pageSize=100"))["items"]!.AsArray()
            .Select(i => (string)i!["id"]!).ToList();
        // The Studio's own query (POST) must agree.
        var viaPost = (await (await _s.As(email)).PostJsonAsync($"{ElsaRoot}/workflow-instances", new JsonObject { ["page"] = 0, ["pageSize"] = 100 }))["items"]!.AsArray()
            .Select(i => (string)i!["id"]!).ToList();
        Assert.Equal(viaGet, viaPost);
        return viaGet;
    }

    private async Task<JsonObject> LatestAsync(string email, string definitionId) =>
        (await (await _s.As(email)).GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/{definitionId}?versionOptions=Latest")).AsObject();

    private async Task<JsonNode> ExecuteAsync(string email, string definitionId) =>
        (await (await _s.As(email)).PostJsonAsync($"{ElsaRoot}/workflow-definitions/{definitionId}/execute", new JsonObject()))["workflowState"]!;

    private async Task<string> SubStatusAsync(string email, string instanceId) =>
        (string)(await (await _s.As(email)).GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}"))["subStatus"]!;

    [Fact]
    public async Task A_coordinator_lists_their_schools_definitions_and_the_shared_ones_only()
    {
        var regenboog = await DefinitionIdsAsync(Regenboog);
        Assert.Contains("pestprotocol-regenboog", regenboog);
        Assert.Contains("pestprotocol", regenboog);
        Assert.Contains("hello-world", regenboog);
        Assert.DoesNotContain(VlinderProtocol, regenboog);

        var vlinder = await DefinitionIdsAsync(Vlinder);
        Assert.Contains(VlinderProtocol, vlinder);
        Assert.Contains("pestprotocol", vlinder);
        Assert.Contains("hello-world", vlinder);
        Assert.DoesNotContain("pestprotocol-regenboog", vlinder);

        // A school's copy says whose it is (Elsa's tenantId); the template and the examples are shared ("*").
        Assert.Equal("regenboog", (string?)(await LatestAsync(Regenboog, "pestprotocol-regenboog"))["tenantId"]);
        Assert.Equal("vlinder", (string?)(await LatestAsync(Vlinder, VlinderProtocol))["tenantId"]);
        Assert.Equal("*", (string?)(await LatestAsync(Regenboog, "pestprotocol"))["tenantId"]);
        Assert.Equal("*", (string?)(await LatestAsync(Regenboog, "hello-world"))["tenantId"]);

        // Asking for it by id in the list does not bring it back either.
        var byId = await (await _s.As(Regenboog)).GetJsonAsync($"{ElsaRoot}/workflow-definitions?definitionIds={VlinderProtocol}&searchTerm=vlinder");
        Assert.Empty(byId["items"]!.AsArray());
        Assert.Equal(0, (int)byId["totalCount"]!);
    }

    [Fact]
    public async Task Another_schools_definition_is_404_for_get_publish_execute_and_save_and_is_left_unchanged()
    {
        var before = await LatestAsync(Vlinder, VlinderProtocol);
        var versionsBefore = (await (await _s.As(Vlinder)).ListVersionsAsync()).Where(v => v.DefinitionId == VlinderProtocol).ToList();
        var versionId = (string)before["id"]!;

        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/by-definition-id/{VlinderProtocol}"), "GET by definition id");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/by-definition-id/{VlinderProtocol}?versionOptions=Published"), "GET published");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/{VlinderProtocol}"), "GET");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/by-id/{versionId}"), "GET by version id");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/{VlinderProtocol}/publish", new JsonObject()), "publish");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/{VlinderProtocol}/execute", new JsonObject()), "execute");

        // Saving over it: the Vlinder document itself (as the Studio would send it), and a bare one.
        var hijacked = before.DeepClone().AsObject();
        hijacked["name"] = "Gekaapt";
        hijacked["tenantId"] = "regenboog";
        foreach (var publish in new[] { false, true })
            AssertNotFound(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions", new JsonObject { ["model"] = hijacked.DeepClone(), ["publish"] = publish }), $"save (publish: {publish})");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions",
            new JsonObject { ["model"] = StartThenEnd(VlinderProtocol, Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("x") })), ["publish"] = true }), "save bare");

        // Bulk publish leaves it out, as if it did not exist.
        var bulk = await (await _s.As(Regenboog)).PostJsonAsync($"{ElsaRoot}/bulk-actions/publish/workflow-definitions/by-definition-ids",
            new JsonObject { ["definitionIds"] = new JsonArray(VlinderProtocol, "pestprotocol-regenboog") });
        Assert.Equal([VlinderProtocol], bulk["notFound"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["pestprotocol-regenboog"], bulk["alreadyPublished"]!.AsArray().Select(n => (string)n!));

        // Vlinder's definition is as it was: same versions, same document, and nothing was started on it.
        Assert.Equal(versionsBefore, (await (await _s.As(Vlinder)).ListVersionsAsync()).Where(v => v.DefinitionId == VlinderProtocol));
        var after = await LatestAsync(Vlinder, VlinderProtocol);
        Assert.True(JsonNode.DeepEquals(before, after), $"the Vlinder protocol changed:\n{after.ToJsonString()}");
        var started = await (await _s.As(Vlinder)).GetJsonAsync($"{ElsaRoot}/workflow-instances?definitionId={VlinderProtocol}");
        Assert.Equal(0, (int)started["totalCount"]!);
    }

    [Fact]
    public async Task A_case_at_Vlinder_runs_in_an_instance_only_Vlinders_coordinator_sees()
    {
        var pupil = (string)(await _s.PupilsAsync(HostApp.OtherTeacher))[0]["id"]!;
        var created = await _s.ReportAsync(HostApp.OtherTeacher, SchoolApp.Signal((pupil, "Bullied")));
        var caseId = (string)created["id"]!;
        var instanceId = (string)created["workflowInstanceId"]!;

        // Regenboog's coordinator: not listed, not by correlation either, and every instance route is a 404.
        Assert.DoesNotContain(instanceId, await InstanceIdsAsync(Regenboog));
        var correlated = await (await _s.As(Regenboog)).GetJsonAsync($"{ElsaRoot}/workflow-instances?correlationId={caseId}&definitionId={VlinderProtocol}");
        Assert.Equal(0, (int)correlated["totalCount"]!);
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}"), "GET instance");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}/journal?page=0&pageSize=50"), "GET journal");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-instances/{instanceId}/journal", new JsonObject { ["filter"] = new JsonObject() }), "POST journal");
        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/activity-executions/list?workflowInstanceId={instanceId}"), "activity executions");

        // Vlinder's coordinator sees all of it, the case's input included.
        Assert.Contains(instanceId, await InstanceIdsAsync(Vlinder));
        var vlinder = await _s.As(Vlinder);
        var instance = await vlinder.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}");
        Assert.Equal(VlinderProtocol, (string?)instance["definitionId"]);
        Assert.Equal(caseId, (string?)instance["correlationId"]);
        Assert.NotNull(instance["workflowState"]!["input"]);
        Assert.NotEmpty((await vlinder.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}/journal?page=0&pageSize=50"))["items"]!.AsArray());
        Assert.NotEmpty((await vlinder.GetJsonAsync($"{ElsaRoot}/activity-executions/list?workflowInstanceId={instanceId}"))["items"]!.AsArray());

        // And the other way round: Regenboog's own case is not Vlinder's business.
        var regenboogPupil = (string)(await _s.PupilsAsync(HostApp.Teacher1))[0]["id"]!;
        var own = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((regenboogPupil, "Bullied"))))["workflowInstanceId"]!;
        Assert.Equal([own], await InstanceIdsAsync(Regenboog));
        Assert.Equal([instanceId], await InstanceIdsAsync(Vlinder));
        AssertNotFound(await SendAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{own}"), "GET Regenboog's instance as Vlinder");
    }

    [Fact]
    public async Task A_new_definition_belongs_to_the_school_of_whoever_saved_it()
    {
        var regenboog = await _s.As(Regenboog);
        var model = StartThenEnd("eigen-flow", Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("hallo") }));
        model["tenantId"] = "vlinder"; // not the client's to say
        model["customProperties"] = new JsonObject { ["kleur"] = "blauw" };
        var saved = await regenboog.SaveDefinitionAsync(model);
        Assert.Equal("regenboog", (string?)saved["tenantId"]);
        Assert.Equal("blauw", (string?)saved["customProperties"]!["kleur"]); // the rest is kept

        // The Studio's "new workflow": no definition id yet.
        var unnamed = StartThenEnd("", Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("hoi") }));
        var generated = await regenboog.SaveDefinitionAsync(unnamed);
        var generatedId = (string)generated["definitionId"]!;
        Assert.Equal("regenboog", (string?)generated["tenantId"]);

        Assert.Contains("eigen-flow", await DefinitionIdsAsync(Regenboog));
        Assert.Contains(generatedId, await DefinitionIdsAsync(Regenboog));
        Assert.DoesNotContain("eigen-flow", await DefinitionIdsAsync(Vlinder));
        Assert.DoesNotContain(generatedId, await DefinitionIdsAsync(Vlinder));
        AssertNotFound(await SendAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/by-definition-id/eigen-flow"), "GET as Vlinder");
        AssertNotFound(await SendAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/by-id/{(string)saved["id"]!}"), "GET version as Vlinder");
        AssertNotFound(await SendAsync(Vlinder, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/eigen-flow/execute", new JsonObject()), "execute as Vlinder");
        AssertNotFound(await SendAsync(Vlinder, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions", new JsonObject { ["model"] = model.DeepClone(), ["publish"] = true }), "save as Vlinder");

        // Its instances are Regenboog's too.
        var instanceId = (string)(await ExecuteAsync(Regenboog, "eigen-flow"))["id"]!;
        Assert.Contains(instanceId, await InstanceIdsAsync(Regenboog));
        Assert.DoesNotContain(instanceId, await InstanceIdsAsync(Vlinder));

        // Saving it again keeps it Regenboog's, even when the body drops the property.
        var edit = saved.DeepClone().AsObject();
        edit.Remove("tenantId");
        var second = await regenboog.SaveDefinitionAsync(edit);
        Assert.Equal(2, (int)second["version"]!);
        Assert.Equal("regenboog", (string?)second["tenantId"]);
        Assert.DoesNotContain("eigen-flow", await DefinitionIdsAsync(Vlinder));
    }

    [Fact]
    public async Task Triggering_an_event_resumes_only_instances_the_caller_sees()
    {
        JsonObject Waiting(string definitionId) =>
            StartThenEnd(definitionId, Activity("Event1", "Elsa.Event", new JsonObject { ["eventName"] = Literal("Signaal") }));
        await (await _s.As(Regenboog)).SaveDefinitionAsync(Waiting("wachten-regenboog"));
        await (await _s.As(Vlinder)).SaveDefinitionAsync(Waiting("wachten-vlinder"));
        var regenboogInstance = (string)(await ExecuteAsync(Regenboog, "wachten-regenboog"))["id"]!;
        var vlinderInstance = (string)(await ExecuteAsync(Vlinder, "wachten-vlinder"))["id"]!;

        // Naming Vlinder's instance: nothing happens (as for an unknown instance).
        var named = await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/events/Signaal/trigger", new JsonObject { ["workflowInstanceId"] = vlinderInstance });
        Assert.Equal(HttpStatusCode.OK, named.Status);
        Assert.Equal("Suspended", await SubStatusAsync(Vlinder, vlinderInstance));
        Assert.Equal("Suspended", await SubStatusAsync(Regenboog, regenboogInstance));

        // Without an instance id: Regenboog's waiting instances only.
        var broadcast = await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/events/Signaal/trigger", new JsonObject());
        Assert.Equal(HttpStatusCode.OK, broadcast.Status);
        Assert.Equal("Finished", await SubStatusAsync(Regenboog, regenboogInstance));
        Assert.Equal("Suspended", await SubStatusAsync(Vlinder, vlinderInstance));

        var own = await SendAsync(Vlinder, HttpMethod.Post, $"{ElsaRoot}/events/Signaal/trigger", new JsonObject { ["workflowInstanceId"] = vlinderInstance });
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal("Finished", await SubStatusAsync(Vlinder, vlinderInstance));
    }

    [Fact]
    public async Task A_RunTask_of_another_schools_instance_cannot_be_completed()
    {
        await (await _s.As(Vlinder)).SaveDefinitionAsync(StartThenEnd("taak-vlinder", Activity("RunTask1", "Elsa.RunTask", new JsonObject { ["taskName"] = Literal("Bellen") })));
        var state = await ExecuteAsync(Vlinder, "taak-vlinder");
        var instanceId = (string)state["id"]!;
        var taskId = (string)state["bookmarks"]![0]!["payload"]!["taskId"]!;

        AssertNotFound(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/tasks/{taskId}/complete", new JsonObject { ["result"] = "klaar" }), "complete as Regenboog");
        Assert.Equal("Suspended", await SubStatusAsync(Vlinder, instanceId));

        var completed = await SendAsync(Vlinder, HttpMethod.Post, $"{ElsaRoot}/tasks/{taskId}/complete", new JsonObject { ["result"] = "klaar" });
        Assert.Equal(HttpStatusCode.OK, completed.Status);
        Assert.Equal("Finished", await SubStatusAsync(Vlinder, instanceId));
    }
}
