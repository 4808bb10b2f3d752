using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>Every path of the protocol, as staff walk it through the HTTP API, on a real SQLite file.</summary>
public sealed class ProtocolOverHttpTests : IAsyncLifetime
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

    private async Task<string> ReportAsync()
    {
        var created = await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_bullied, "Bullied"), (_bully, "Bully")));
        Assert.Equal("Open", (string?)created["status"]);
        Assert.Equal(1, (int)created["currentStep"]!);
        return (string)created["id"]!;
    }

    private Task UpToMonitoringAsync(string caseId) => _s.UpToMonitoringAsync(caseId);

    private async Task EndMonitoringAsync(string outcome)
    {
        _s.App.Clock.Advance(TimeSpan.FromDays(14));
        await _s.RunTimersAsync();
    }

    [Fact]
    public async Task Not_bullying_at_step_2_closes_the_case_with_the_agreed_follow_up()
    {
        var caseId = await ReportAsync();
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "ruzie" });
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying",
            new JsonObject { ["outcome"] = "NotBullying", ["reasoning"] = "eenmalige ruzie", ["agreedFollowUp"] = "excuses aangeboden, ouders gebeld" });

        var @case = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Equal("Closed", (string?)@case["status"]);
        Assert.Equal("NotBullying", (string?)@case["outcome"]);
        Assert.Equal(2, (int?)@case["endedAtStep"]);
        Assert.Empty(@case["openTasks"]!.AsArray());
        var decision = @case["doneTasks"]!.AsArray().Single(t => (string?)t!["activityType"] == "Pestprotocol.DecideIfBullying")!;
        Assert.Equal("NotBullying", (string?)decision["outcome"]);
        Assert.Contains(@case["timeline"]!.AsArray(), e => ((string)e!["text"]!).Contains("geen pesten"));
    }

    [Fact]
    public async Task Stopped_after_step_5_closes_the_case()
    {
        var caseId = await ReportAsync();
        await UpToMonitoringAsync(caseId);
        Assert.Equal("Gedrag volgen", (string?)(await _s.CaseAsync(HostApp.Coordinator, caseId))["currentStepTitle"]);
        await EndMonitoringAsync("Stopped");
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Stopped", ["observations"] = "rustig in de klas" });

        var @case = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Equal("Closed", (string?)@case["status"]);
        Assert.Equal("StoppedAfterConversation", (string?)@case["outcome"]);
        Assert.Equal(5, (int?)@case["endedAtStep"]);
    }

    [Fact]
    public async Task Stopped_after_step_6_closes_the_case()
    {
        var caseId = await ReportAsync();
        await UpToMonitoringAsync(caseId);
        await EndMonitoringAsync("Continues");
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Continues", ["observations"] = "gaat door" });
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.PlanMeeting", new JsonObject { ["meetingAt"] = "2026-12-10T15:30", ["place"] = "kamer van de directie" });
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.ConversationWithBullyParents", new JsonObject { ["heldOn"] = "2026-12-10", ["notes"] = "ouders gesproken", ["consequences"] = "pauze binnen" });
        await EndMonitoringAsync("Stopped");
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Stopped", ["observations"] = "gestopt" });

        var closed = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Equal("StoppedAfterParents", (string?)closed["outcome"]);
        Assert.Equal(6, (int?)closed["endedAtStep"]);
    }

    [Fact]
    public async Task When_it_goes_on_after_step_6_the_school_leader_runs_the_MDO()
    {
        var caseId = await ReportAsync();
        await UpToMonitoringAsync(caseId);
        await EndMonitoringAsync("Continues");
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Continues", ["observations"] = "gaat door" });
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.PlanMeeting", new JsonObject { ["meetingAt"] = "2026-12-10T15:30", ["place"] = "kamer van de directie" });
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.ConversationWithBullyParents", new JsonObject { ["heldOn"] = "2026-12-10", ["notes"] = "ouders gesproken" });
        await EndMonitoringAsync("Continues");
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Continues", ["observations"] = "gaat nog steeds door" });

        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanMdo", new JsonObject { ["meetingAt"] = "2027-01-12T13:00", ["place"] = "kamer van de directie" });
        var mdo = await _s.TaskAsync(HostApp.Leader, caseId, "Pestprotocol.OrganiseMdo");
        Assert.Equal("Leader", (string?)mdo["role"]);
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.OrganiseMdo", new JsonObject { ["heldOn"] = "2027-01-12", ["mdoOutcome"] = "schorsing van twee dagen", ["suspensionProtocolStarted"] = true });

        var @case = await _s.CaseAsync(HostApp.Leader, caseId);
        Assert.Equal("Closed", (string?)@case["status"]);
        Assert.Equal("Mdo", (string?)@case["outcome"]);
        Assert.Equal(7, (int?)@case["endedAtStep"]);
    }

    [Fact]
    public async Task Tasks_land_with_the_people_chosen_in_the_plan_of_approach()
    {
        var caseId = await ReportAsync();
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken" });
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = "pesten" });
        await _s.CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "besproken" });
        var plan = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach");
        var staff = SchoolApp.StaffByName(plan);
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach", new JsonObject
        {
            ["informed"] = new JsonArray("ParentsOfBullied"),
            ["registration"] = "ESIS",
            ["bulliedPupilConversationBy"] = staff["Joost Mulder"],
            ["bullyConversationBy"] = staff["Joost Mulder"],
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        });

        var teacher2 = (await (await _s.As(HostApp.Teacher2)).GetJsonAsync("/api/tasks?assignedToMe=true")).AsArray();
        var step4 = Assert.Single(teacher2, t => (string?)t!["activityType"] == "Pestprotocol.ConversationWithBulliedPupil")!;
        Assert.Equal("Joost Mulder", (string?)step4["assignee"]!["name"]);
        var teacher1 = (await (await _s.As(HostApp.Teacher1)).GetJsonAsync("/api/tasks")).AsArray();
        Assert.DoesNotContain(teacher1, t => (string?)t!["activityType"] == "Pestprotocol.ConversationWithBulliedPupil");
        var esis = Assert.Single(teacher1, t => (string?)t!["activityType"] == "Pestprotocol.RegisterInEsis")!;
        Assert.Contains("Schoolplein", (string?)(await (await _s.As(HostApp.Teacher1)).GetJsonAsync($"/api/tasks/{esis["id"]}"))["summary"]);
        Assert.Null((string?)(await _s.CaseAsync(HostApp.Coordinator, caseId))["esisReference"]);
        await _s.CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.RegisterInEsis", new JsonObject { ["esisReference"] = " ESIS-2026-0042 " });
        var registered = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Equal("ESIS-2026-0042", (string?)registered["esisReference"]);
        Assert.NotNull((string?)registered["esisRegisteredAt"]);
        // Karin may not do Joost's conversation: 403.
        using var forbidden = await _s.CompleteRawAsync(HostApp.Teacher1, (string)step4["id"]!, new JsonObject { ["notes"] = "niet van mij" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task A_new_signal_about_the_same_bully_during_monitoring_moves_the_case_to_step_6()
    {
        var caseId = await ReportAsync();
        await UpToMonitoringAsync(caseId);
        _s.App.Clock.Advance(TimeSpan.FromDays(3));

        var second = await _s.ReportAsync(HostApp.Teacher2, SchoolApp.Signal((_bully, "Bully")));

        var first = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Equal(6, (int)first["currentStep"]!);
        Assert.Contains(first["timeline"]!.AsArray(), e => (string?)e!["kind"] == "NewSignalDuringMonitoring");
        // Step 6 starts with planning the meeting with the bully's parents (their invitation follows).
        Assert.Single(first["openTasks"]!.AsArray(), t => (string?)t!["activityType"] == "Pestprotocol.PlanMeeting");
        var linked = await _s.CaseAsync(HostApp.Coordinator, (string)second["id"]!);
        Assert.Contains(linked["timeline"]!.AsArray(), e => (string?)e!["kind"] == "LinkedCase");
    }

    [Fact]
    public async Task Two_people_completing_one_task_at_once_one_succeeds_and_the_other_gets_409()
    {
        var caseId = await ReportAsync();
        var task = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator");
        var admin = await _s.As(HostApp.Coordinator);
        var other = await _s.App.LoginAsync(HostApp.Coordinator); // the same coordinator on a second device
        var body = new JsonObject { ["result"] = new JsonObject { ["notes"] = "besproken" } };

        var responses = await Task.WhenAll(
            admin.PostAsync($"/elsa/api/tasks/{task["id"]}/complete", HttpJson.Content(body)),
            other.PostAsync($"/elsa/api/tasks/{task["id"]}/complete", HttpJson.Content(body)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        var @case = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Single(@case["doneTasks"]!.AsArray(), t => (string?)t!["activityType"] == "Pestprotocol.DiscussWithCoordinator");
        Assert.Single(@case["openTasks"]!.AsArray(), t => (string?)t!["activityType"] == "Pestprotocol.DecideIfBullying");
    }
}
