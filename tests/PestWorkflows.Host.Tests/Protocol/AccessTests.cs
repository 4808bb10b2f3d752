using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>Who sees what: teachers their own cases, coordinators and leaders their school, nobody another school.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _caseByTeacher1 = "", _vlinderCase = "", _vlinderTask = "", _regenboogPupil = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        _regenboogPupil = (string)(await _s.PupilsAsync(HostApp.Teacher1))[3]["id"]!;
        _caseByTeacher1 = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_regenboogPupil, "Bullied"))))["id"]!;
        var vlinderPupil = (string)(await _s.PupilsAsync(HostApp.OtherTeacher))[0]["id"]!;
        _vlinderCase = (string)(await _s.ReportAsync(HostApp.OtherTeacher, SchoolApp.Signal((vlinderPupil, "Bully"))))["id"]!;
        _vlinderTask = (string)(await _s.TaskAsync(HostApp.OtherCoordinator, _vlinderCase, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<HttpStatusCode> StatusAsync(string email, HttpMethod method, string url, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : HttpJson.Content(body) };
        using var response = await (await _s.As(email)).SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Without_signing_in_nothing_is_shown()
    {
        using var anonymous = _s.App.CreateClient();
        foreach (var url in new[] { "/api/cases", $"/api/cases/{_caseByTeacher1}", "/api/tasks", "/api/pupils", "/elsa/api/workflow-definitions" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_teacher_sees_the_cases_they_reported_and_not_a_colleagues()
    {
        var own = (await (await _s.As(HostApp.Teacher1)).GetJsonAsync("/api/cases")).AsArray();
        Assert.Single(own, c => (string?)c!["id"] == _caseByTeacher1);
        Assert.Empty((await (await _s.As(HostApp.Teacher2)).GetJsonAsync("/api/cases")).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HostApp.Teacher2, HttpMethod.Get, $"/api/cases/{_caseByTeacher1}"));
    }

    [Theory]
    [InlineData(HostApp.Coordinator)]
    [InlineData(HostApp.Leader)]
    [InlineData(HostApp.Admin)]
    public async Task Coordinator_leader_and_admin_see_every_case_of_their_school_only(string email)
    {
        var cases = (await (await _s.As(email)).GetJsonAsync("/api/cases")).AsArray();
        Assert.Contains(cases, c => (string?)c!["id"] == _caseByTeacher1);
        Assert.DoesNotContain(cases, c => (string?)c!["id"] == _vlinderCase);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(email, HttpMethod.Get, $"/api/cases/{_caseByTeacher1}"));
    }

    [Theory]
    [InlineData(HostApp.Coordinator)]
    [InlineData(HostApp.Teacher1)]
    [InlineData(HostApp.Leader)]
    public async Task Guessed_ids_of_another_schools_case_and_task_are_not_found(string email)
    {
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(email, HttpMethod.Get, $"/api/cases/{_vlinderCase}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(email, HttpMethod.Get, $"/api/tasks/{_vlinderTask}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(email, HttpMethod.Post, $"/elsa/api/tasks/{_vlinderTask}/complete", new JsonObject { ["result"] = new JsonObject { ["notes"] = "x" } }));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(email, HttpMethod.Post, $"/api/tasks/{_vlinderTask}/claim"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(email, HttpMethod.Post, $"/api/tasks/{_vlinderTask}/release"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(email, HttpMethod.Post, $"/api/tasks/{_vlinderTask}/assign", new JsonObject { ["role"] = "Teacher" }));
        Assert.DoesNotContain((await (await _s.As(email)).GetJsonAsync("/api/tasks")).AsArray(), t => (string?)t!["id"] == _vlinderTask);
        // The other school's task is untouched.
        var vlinder = await _s.CaseAsync(HostApp.OtherCoordinator, _vlinderCase);
        Assert.Single(vlinder["openTasks"]!.AsArray());
    }

    [Fact]
    public async Task Pupils_are_searched_within_the_own_school()
    {
        var regenboog = await _s.PupilsAsync(HostApp.Teacher1);
        var vlinder = await _s.PupilsAsync(HostApp.OtherTeacher);
        Assert.InRange(regenboog.Count, 55, 70);
        Assert.Empty(regenboog.Select(p => (string)p["id"]!).Intersect(vlinder.Select(p => (string)p["id"]!)));
        var name = (string)regenboog[5]["lastName"]!;
        Assert.All(await _s.PupilsAsync(HostApp.Teacher1, name), p => Assert.Contains(name, (string)p["name"]!));
    }

    [Fact]
    public async Task Only_coordinators_and_admins_may_use_the_designer_api()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HostApp.Teacher1, HttpMethod.Get, "/elsa/api/workflow-definitions"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HostApp.Leader, HttpMethod.Get, "/elsa/api/workflow-definitions"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HostApp.Coordinator, HttpMethod.Get, "/elsa/api/workflow-definitions"));
    }

    [Fact]
    public async Task Each_school_runs_its_own_copy_of_the_protocol()
    {
        // Each coordinator sees their own school's copy only (Designer/DesignerScopeTests covers the rest).
        foreach (var (coordinator, own, other) in new[] { (HostApp.Coordinator, "pestprotocol-regenboog", "pestprotocol-vlinder"), (HostApp.OtherCoordinator, "pestprotocol-vlinder", "pestprotocol-regenboog") })
        {
            var definitions = await (await _s.As(coordinator)).GetJsonAsync("/elsa/api/workflow-definitions?versionOptions=Published");
            var ids = definitions["items"]!.AsArray().Select(d => (string?)d!["definitionId"]).ToList();
            Assert.Contains(own, ids);
            Assert.DoesNotContain(other, ids);
        }
    }

    [Fact]
    public async Task A_role_task_can_be_claimed_released_and_assigned()
    {
        var step1 = (string)(await _s.TaskAsync(HostApp.Coordinator, _caseByTeacher1, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        // Teacher 2 has no part in the case: for her the task does not exist (Access/AccessRules).
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HostApp.Teacher2, HttpMethod.Post, $"/api/tasks/{step1}/assign", new JsonObject { ["role"] = "Teacher", ["reason"] = "x" }));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{step1}/claim"));
        var mine = (await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/tasks?assignedToMe=true")).AsArray();
        Assert.Single(mine, t => (string?)t!["id"] == step1);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{step1}/release"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{step1}/assign", new JsonObject { ["role"] = "Leader", ["reason"] = "De directie neemt het over." }));
        var leader = (await (await _s.As(HostApp.Leader)).GetJsonAsync("/api/tasks")).AsArray();
        var task = Assert.Single(leader, t => (string?)t!["id"] == step1)!;
        var history = task["history"]!.AsArray().Select(h => (string?)h!["action"]).ToList();
        Assert.Equal(["Created", "Claimed", "Released", "Assigned"], history);
    }
}
