using System.Text.Json.Nodes;
using PestWorkflows.Activities.Protocol;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Tests;

/// <summary>Every path of the protocol, through the real definition in workflows/pestprotocol.json.</summary>
public sealed class ProtocolPathTests : IAsyncLifetime
{
    private ProtocolHarness _p = null!;
    public async Task InitializeAsync() => _p = await ProtocolHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    private static readonly JsonObject Plan = new()
    {
        ["informed"] = new JsonArray("ParentsOfBullied", "ParentsOfBully"),
        ["registration"] = "Dossier in ESIS",
        ["bulliedPupilConversationBy"] = "leerkracht2",
        ["bullyConversationBy"] = "apc",
        ["bullyParentsConversationBy"] = "directie",
        ["esisRegistrationBy"] = "leerkracht1",
    };

    private async Task<string> UpToMonitoringAsync()
    {
        var id = await _p.ReportSignalAsync("pupil-bully-1");
        await _p.CompleteAsync(id, "Pestprotocol.DiscussWithCoordinator", "Done", new JsonObject { ["notes"] = "besproken" });
        await _p.CompleteAsync(id, "Pestprotocol.DecideIfBullying", "Bullying", new JsonObject { ["reasoning"] = "herhaald, bewust" });
        await _p.CompleteAsync(id, "Pestprotocol.DiscussInGroup", "Done", new JsonObject { ["held"] = true, ["rolesInGroup"] = "..." }, by: ProtocolHarness.Reporter);
        await _p.CompleteAsync(id, "Pestprotocol.PlanOfApproach", "Done", (JsonObject)Plan.DeepClone());
        await _p.CompleteAsync(id, "Pestprotocol.ConversationWithBulliedPupil", "Done", new JsonObject { ["notes"] = "gesprek" }, by: "leerkracht2");
        await _p.CompleteAsync(id, "Pestprotocol.ConversationWithBully", "Done", new JsonObject { ["notes"] = "gesprek", ["nadenkvelSigned"] = true });
        return id;
    }

    /// <summary>A variable without a storage driver has its initial value again after a wait (Elsa's
    /// semantics); the protocol reads its variables (the plan's assignees) steps after setting them.</summary>
    [Fact]
    public async Task Every_protocol_variable_is_kept_in_the_instance()
    {
        var definition = JsonNode.Parse(await File.ReadAllTextAsync(ProtocolHarness.ProtocolFile()))!;
        var variables = definition["variables"]!.AsArray();
        Assert.NotEmpty(variables);
        Assert.All(variables, v => Assert.Equal(PestWorkflows.Engine.Model.VariableStorageDrivers.WorkflowInstance, (string?)v!["storageDriverTypeName"]));
    }

    private string ClosedOutcome(string id) => _p.Effects.Events(id).Single(e => e.Kind == CaseEventKind.Closed).Outcome!;

    [Fact]
    public async Task Not_bullying_at_step_2_closes_the_case_with_the_agreed_follow_up()
    {
        var id = await _p.ReportSignalAsync("pupil-1");
        await _p.CompleteAsync(id, "Pestprotocol.DiscussWithCoordinator", "Done", new JsonObject { ["notes"] = "ruzie op het plein" });
        await _p.CompleteAsync(id, "Pestprotocol.DecideIfBullying", "NotBullying", new JsonObject { ["reasoning"] = "ruzie", ["agreedFollowUp"] = "excuses aangeboden" });

        Assert.Equal("NotBullying", ClosedOutcome(id));
        var state = await _p.Host.Runtime.GetStateAsync(id);
        Assert.Equal(WorkflowSubStatus.Finished, state!.SubStatus);
        Assert.Empty(state.Bookmarks); // the reminder and escalation timers went with step 1
    }

    [Fact]
    public async Task Tasks_land_with_the_people_chosen_in_the_plan_of_approach()
    {
        var id = await UpToMonitoringAsync();
        var tasks = _p.Effects.Tasks(id).ToDictionary(t => t.ActivityType);

        Assert.Equal("Coordinator", tasks["Pestprotocol.DiscussWithCoordinator"].CandidateRole);
        Assert.Equal(ProtocolHarness.Reporter, tasks["Pestprotocol.DiscussInGroup"].AssigneeUserId);
        Assert.Equal("leerkracht2", tasks["Pestprotocol.ConversationWithBulliedPupil"].AssigneeUserId);
        Assert.Equal("apc", tasks["Pestprotocol.ConversationWithBully"].AssigneeUserId);
        Assert.Equal("leerkracht1", tasks["Pestprotocol.RegisterInEsis"].AssigneeUserId);
    }

    [Fact]
    public async Task Stopped_after_step_5_closes_the_case_after_the_monitoring_period()
    {
        var id = await UpToMonitoringAsync();
        Assert.Throws<InvalidOperationException>(() => _p.Effects.OpenTask(id)); // nothing to do while monitoring
        _p.Clock.Advance(TimeSpan.FromDays(13));
        Assert.Equal(0, await _p.Host.Timers.DispatchDueAsync());
        _p.Clock.Advance(TimeSpan.FromDays(1));
        Assert.True(await _p.Host.Timers.DispatchDueAsync() >= 1);

        await _p.CompleteAsync(id, "Pestprotocol.MonitorBehaviour", "Stopped", new JsonObject { ["observations"] = "rustig" });
        Assert.Equal("StoppedAfterConversation", ClosedOutcome(id));
    }

    [Fact]
    public async Task Stopped_after_step_6_closes_the_case_after_the_second_monitoring_period()
    {
        var id = await UpToMonitoringAsync();
        _p.Clock.Advance(TimeSpan.FromDays(14));
        await _p.Host.Timers.DispatchDueAsync();
        await _p.CompleteAsync(id, "Pestprotocol.MonitorBehaviour", "Continues", new JsonObject { ["observations"] = "gaat door" });
        await _p.CompleteAsync(id, "Pestprotocol.PlanMeeting", "Done", new JsonObject { ["meetingAt"] = "2026-12-10T15:30", ["place"] = "kamer van de directie" }, by: "directie");
        var step6 = await _p.CompleteAsync(id, "Pestprotocol.ConversationWithBullyParents", "Done", new JsonObject { ["heldOn"] = "2026-12-10", ["notes"] = "ouders" }, by: "directie");
        Assert.Equal("directie", step6.AssigneeUserId);
        _p.Clock.Advance(TimeSpan.FromDays(14));
        await _p.Host.Timers.DispatchDueAsync();
        await _p.CompleteAsync(id, "Pestprotocol.MonitorBehaviour", "Stopped", new JsonObject { ["observations"] = "gestopt" });

        Assert.Equal("StoppedAfterParents", ClosedOutcome(id));
    }

    [Fact]
    public async Task When_it_goes_on_after_step_6_the_school_leader_organises_an_MDO()
    {
        var id = await UpToMonitoringAsync();
        _p.Clock.Advance(TimeSpan.FromDays(14));
        await _p.Host.Timers.DispatchDueAsync();
        await _p.CompleteAsync(id, "Pestprotocol.MonitorBehaviour", "Continues", new JsonObject { ["observations"] = "gaat door" });
        await _p.CompleteAsync(id, "Pestprotocol.PlanMeeting", "Done", new JsonObject { ["meetingAt"] = "2026-12-10T15:30", ["place"] = "kamer van de directie" });
        await _p.CompleteAsync(id, "Pestprotocol.ConversationWithBullyParents", "Done", new JsonObject { ["heldOn"] = "2026-12-10", ["notes"] = "ouders" });
        _p.Clock.Advance(TimeSpan.FromDays(14));
        await _p.Host.Timers.DispatchDueAsync();
        await _p.CompleteAsync(id, "Pestprotocol.MonitorBehaviour", "Continues", new JsonObject { ["observations"] = "gaat nog steeds door" });

        await _p.CompleteAsync(id, "Pestprotocol.PlanMdo", "Done", new JsonObject { ["meetingAt"] = "2027-01-12T13:00", ["place"] = "kamer van de directie", ["staff"] = new JsonArray("directie") });
        var mdo = _p.Effects.OpenTask(id);
        Assert.Equal("Pestprotocol.OrganiseMdo", mdo.ActivityType);
        Assert.Equal("Leader", mdo.CandidateRole);
        await _p.CompleteTaskAsync(mdo, "Done", new JsonObject { ["heldOn"] = "2027-01-15", ["mdoOutcome"] = "schorsing", ["suspensionProtocolStarted"] = true });
        Assert.Equal("Mdo", ClosedOutcome(id));
    }

    [Fact]
    public async Task A_new_signal_about_the_same_bully_during_monitoring_moves_the_case_to_step_6()
    {
        var id = await UpToMonitoringAsync();
        _p.Clock.Advance(TimeSpan.FromDays(3));

        var resumed = await _p.Host.Runtime.PublishEventAsync(Tenants.Default, MonitorBehaviour.NewSignalEvent("pupil-bully-1"));

        Assert.Single(resumed);
        Assert.Contains(_p.Effects.Events(id), e => e.Kind == CaseEventKind.NewSignalDuringMonitoring);
        Assert.Equal("Pestprotocol.PlanMeeting", _p.Effects.OpenTask(id).ActivityType);
        // The monitoring timer is gone: two weeks later no check task appears for the first period.
        _p.Clock.Advance(TimeSpan.FromDays(14));
        Assert.Equal(0, await _p.Host.Timers.DispatchDueAsync());
    }

    [Fact]
    public async Task A_signal_about_another_pupil_does_not_touch_the_monitoring()
    {
        var id = await UpToMonitoringAsync();
        Assert.Empty(await _p.Host.Runtime.PublishEventAsync(Tenants.Default, MonitorBehaviour.NewSignalEvent("someone-else")));
        Assert.DoesNotContain(_p.Effects.Events(id), e => e.Kind == CaseEventKind.NewSignalDuringMonitoring);
    }
}

/// <summary>Step 1's same-day deadline, reminder and escalation, with a fake clock.</summary>
public sealed class StepOneDeadlineTests : IAsyncLifetime
{
    private ProtocolHarness _p = null!;
    public async Task InitializeAsync() => _p = await ProtocolHarness.StartAsync();
    public async Task DisposeAsync() => await _p.DisposeAsync();

    [Fact]
    public async Task Tuesday_morning_signal_is_due_at_five_with_a_reminder_at_three_and_an_escalation_at_five()
    {
        var id = await _p.ReportSignalAsync(); // Tuesday 24 November 10:00 Amsterdam
        var step1 = _p.Effects.OpenTask(id);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero), step1.DueAt!.Value.ToUniversalTime());

        _p.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(59)); // 14:59
        await _p.Host.Timers.DispatchDueAsync();
        Assert.DoesNotContain(_p.Effects.Events(id), e => e.Kind == CaseEventKind.Reminder);
        _p.Clock.Advance(TimeSpan.FromMinutes(1)); // 15:00
        await _p.Host.Timers.DispatchDueAsync();
        Assert.Single(_p.Effects.Events(id), e => e.Kind == CaseEventKind.Reminder);
        Assert.DoesNotContain(_p.Effects.Events(id), e => e.Kind == CaseEventKind.Overdue);

        _p.Clock.Advance(TimeSpan.FromHours(2)); // 17:00
        await _p.Host.Timers.DispatchDueAsync();
        var overdue = Assert.Single(_p.Effects.Events(id), e => e.Kind == CaseEventKind.Overdue);
        Assert.Equal("Leader", overdue.NotifyRole);
        // Step 1 is still open and can still be done after the deadline.
        await _p.CompleteAsync(id, "Pestprotocol.DiscussWithCoordinator", "Done", new JsonObject { ["notes"] = "te laat besproken" });
        Assert.Equal("Pestprotocol.DecideIfBullying", _p.Effects.OpenTask(id).ActivityType);
    }

    [Fact]
    public async Task No_escalation_when_step_1_was_done_in_time()
    {
        var id = await _p.ReportSignalAsync();
        _p.Clock.Advance(TimeSpan.FromHours(2));
        await _p.CompleteAsync(id, "Pestprotocol.DiscussWithCoordinator", "Done", new JsonObject { ["notes"] = "besproken" });
        _p.Clock.Advance(TimeSpan.FromHours(10));
        await _p.Host.Timers.DispatchDueAsync();

        Assert.DoesNotContain(_p.Effects.Events(id), e => e.Kind is CaseEventKind.Overdue or CaseEventKind.Reminder);
    }

    [Fact]
    public async Task Friday_evening_signal_is_due_Monday_at_five()
    {
        _p.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero)); // Friday 18:00 Amsterdam
        var id = await _p.ReportSignalAsync();
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 16, 0, 0, TimeSpan.Zero), _p.Effects.OpenTask(id).DueAt!.Value.ToUniversalTime());
    }
}
