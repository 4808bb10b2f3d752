using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>Bad input gets a 400 problem that names the field, and changes nothing.</summary>
public sealed class InvalidInputTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _pupil = "", _vlinderPupil = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        _pupil = (string)(await _s.PupilsAsync(HostApp.Teacher1))[0]["id"]!;
        _vlinderPupil = (string)(await _s.PupilsAsync(HostApp.OtherTeacher))[0]["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<JsonObject> BadRequestAsync(HttpClient client, string url, string body)
    {
        using var response = await client.PostAsync(url, HttpJson.Text(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: expected 400, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static void AssertNames(JsonObject problem, string field) =>
        Assert.True(problem["errors"]?[field] is not null, $"errors do not name '{field}': {problem.ToJsonString()}");

    public static TheoryData<string, string> BadSignals => new()
    {
        { "description", """{"observedAt":"2026-11-24T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"PUPIL","role":"Bullied"}]}""" },
        { "observedAt", """{"description":"x","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"PUPIL","role":"Bullied"}]}""" },
        { "location", """{"description":"x","observedAt":"2026-11-24T08:00:00Z","boundaryCrossed":true,"pupils":[{"pupilId":"PUPIL","role":"Bullied"}]}""" },
        { "boundaryCrossed", """{"description":"x","observedAt":"2026-11-24T08:00:00Z","location":"plein","pupils":[{"pupilId":"PUPIL","role":"Bullied"}]}""" },
        { "pupils", """{"description":"x","observedAt":"2026-11-24T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[]}""" },
        { "pupils[0].pupilId", """{"description":"x","observedAt":"2026-11-24T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"bestaat-niet","role":"Bullied"}]}""" },
        { "pupils[0].pupilId", """{"description":"x","observedAt":"2026-11-24T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"OTHER","role":"Bully"}]}""" },
        { "pupils[0].role", """{"description":"x","observedAt":"2026-11-24T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"PUPIL"}]}""" },
        { "pupils[0].role", """{"description":"x","observedAt":"2026-11-24T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"PUPIL","role":"Villain"}]}""" },
        { "observedAt", """{"description":"x","observedAt":"morgen","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"PUPIL","role":"Bullied"}]}""" },
        { "observedAt", """{"description":"x","observedAt":"2027-06-01T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"PUPIL","role":"Bullied"}]}""" },
        { "body", """{"description":"x", "observedAt": """ },
    };

    [Theory]
    [MemberData(nameof(BadSignals))]
    public async Task A_bad_signal_is_refused_naming_the_field_and_no_case_is_made(string field, string body)
    {
        var client = await _s.As(HostApp.Teacher1);
        var problem = await BadRequestAsync(client, "/api/cases", body.Replace("PUPIL", _pupil).Replace("OTHER", _vlinderPupil));
        AssertNames(problem, field);
        Assert.Empty((await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases")).AsArray());
    }

    [Fact]
    public async Task A_pupil_without_a_role_is_told_the_roles_in_Dutch_with_the_values_the_API_takes()
    {
        var client = await _s.As(HostApp.Teacher1);
        var problem = await BadRequestAsync(client, "/api/cases",
            $$"""{"description":"x","observedAt":"2026-11-24T08:00:00Z","location":"plein","boundaryCrossed":true,"pupils":[{"pupilId":"{{_pupil}}"}]}""");
        Assert.Equal("Kies een rol: Bullied (gepeste), Bully (pester), Follower (meeloper), Helper (helper) of Unknown (onbekend).",
            (string?)problem["errors"]!["pupils[0].role"]![0]);
    }

    [Fact]
    public async Task A_task_completed_with_a_wrong_or_missing_outcome_or_field_is_refused_and_stays_open()
    {
        var created = await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupil, "Bullied")));
        var caseId = (string)created["id"]!;
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken" });
        var decision = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying");
        var client = await _s.As(HostApp.Coordinator);
        var url = $"/elsa/api/tasks/{decision["id"]}/complete";

        AssertNames(await BadRequestAsync(client, url, """{"result":{"reasoning":"x"}}"""), "outcome");
        AssertNames(await BadRequestAsync(client, url, """{"result":{"outcome":"Misschien","reasoning":"x"}}"""), "outcome");
        AssertNames(await BadRequestAsync(client, url, """{"result":{"outcome":"Bullying"}}"""), "reasoning");
        AssertNames(await BadRequestAsync(client, url, """{"result":{"outcome":"Bullying","reasoning":42}}"""), "reasoning");
        AssertNames(await BadRequestAsync(client, url, """{"result":"""), "body");
        AssertNames(await BadRequestAsync(client, url, """{}"""), "result");

        var open = (await _s.CaseAsync(HostApp.Coordinator, caseId))["openTasks"]!.AsArray();
        Assert.Single(open, t => (string?)t!["id"] == (string?)decision["id"]);
    }

    [Fact]
    public async Task Person_and_choice_fields_must_hold_known_values()
    {
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupil, "Bullied"))))["id"]!;
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken" });
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = "x" });
        await _s.CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "x" });
        var plan = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach");
        var staff = SchoolApp.StaffByName(plan);
        Assert.DoesNotContain("Peter Hendriks", staff.Keys); // De Vlinder's coordinator is not offered
        var client = await _s.As(HostApp.Coordinator);
        var result = new JsonObject
        {
            ["informed"] = new JsonArray("Buren"),
            ["registration"] = "ESIS",
            ["bulliedPupilConversationBy"] = "niemand",
            ["bullyConversationBy"] = staff["Diana de Wit"],
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        };
        var problem = await BadRequestAsync(client, $"/elsa/api/tasks/{plan["id"]}/complete", new JsonObject { ["result"] = result }.ToJsonString());
        AssertNames(problem, "informed");
        AssertNames(problem, "bulliedPupilConversationBy");
    }

    [Fact]
    public async Task Assigning_to_an_unknown_person_or_role_is_refused()
    {
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupil, "Bullied"))))["id"]!;
        var task = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator");
        var client = await _s.As(HostApp.Coordinator);
        AssertNames(await BadRequestAsync(client, $"/api/tasks/{task["id"]}/assign", """{"userId":"bestaat-niet"}"""), "userId");
        AssertNames(await BadRequestAsync(client, $"/api/tasks/{task["id"]}/assign", """{"role":"Conciërge"}"""), "role");
        AssertNames(await BadRequestAsync(client, $"/api/tasks/{task["id"]}/assign", """{}"""), "userId");
        AssertNames(await BadRequestAsync(client, $"/api/tasks/{task["id"]}/assign", """{"role":"""), "body");
    }
}
