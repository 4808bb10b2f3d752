using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>Step 1's same-day rule as the coordinator sees it: due time, reminder, overdue and escalation.</summary>
public sealed class DeadlineOverHttpTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _pupil = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        _pupil = (string)(await _s.PupilsAsync(HostApp.Teacher1))[0]["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<(string CaseId, DateTimeOffset DueAt)> ReportAtAsync(DateTimeOffset utc)
    {
        _s.App.Clock.SetUtcNow(utc);
        var signal = SchoolApp.Signal((_pupil, "Bullied"));
        signal["observedAt"] = utc.AddMinutes(-5).ToString("O");
        var created = await _s.ReportAsync(HostApp.Teacher1, signal);
        var caseId = (string)created["id"]!;
        var step1 = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator");
        return (caseId, DateTimeOffset.Parse((string)step1["dueAt"]!).ToUniversalTime());
    }

    private async Task<JsonArray> TimelineAsync(string caseId) => (await _s.CaseAsync(HostApp.Coordinator, caseId))["timeline"]!.AsArray();

    [Fact]
    public async Task In_the_test_host_timers_fire_only_when_the_test_runs_them()
    {
        var (caseId, due) = await ReportAtAsync(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        // The background dispatcher is off (Workflows:DispatchTimers=false): it ended at start instead
        // of waking up on the fake clock and racing the test's own pass.
        var dispatcher = _s.App.Services.GetRequiredService<TimerDispatcher>();
        Assert.True(dispatcher.ExecuteTask?.IsCompletedSuccessfully, "the background timer dispatcher is running in the test host");

        _s.App.Clock.SetUtcNow(due.AddMinutes(1));
        Assert.DoesNotContain(await TimelineAsync(caseId), e => (string?)e!["kind"] == "Overdue");
        Assert.True(await _s.RunTimersAsync() >= 1);
        Assert.Contains(await TimelineAsync(caseId), e => (string?)e!["kind"] == "Overdue");
    }

    [Fact]
    public async Task Tuesday_10_is_due_at_17_with_a_reminder_at_15_and_an_escalation_at_17_when_step_1_is_open()
    {
        var (caseId, due) = await ReportAtAsync(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)); // Tuesday 10:00 CET
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero), due);

        _s.App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 13, 59, 0, TimeSpan.Zero));
        await _s.RunTimersAsync();
        Assert.DoesNotContain(await TimelineAsync(caseId), e => (string?)e!["kind"] == "Reminder");
        _s.App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 14, 0, 0, TimeSpan.Zero)); // 15:00 CET
        await _s.RunTimersAsync();
        Assert.Single(await TimelineAsync(caseId), e => (string?)e!["kind"] == "Reminder");
        Assert.False((bool)(await _s.CaseAsync(HostApp.Coordinator, caseId))["isOverdue"]!);

        _s.App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero)); // 17:00 CET
        await _s.RunTimersAsync();
        var @case = await _s.CaseAsync(HostApp.Leader, caseId);
        Assert.True((bool)@case["isOverdue"]!);
        Assert.Single(@case["timeline"]!.AsArray(), e => (string?)e!["kind"] == "Overdue");
        var overdue = (await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/tasks?overdue=true")).AsArray();
        Assert.Single(overdue, t => (string?)t!["caseId"] == caseId);
    }

    [Fact]
    public async Task No_escalation_when_step_1_was_done_in_time()
    {
        var (caseId, _) = await ReportAtAsync(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        _s.App.Clock.Advance(TimeSpan.FromHours(3));
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken" });
        _s.App.Clock.Advance(TimeSpan.FromHours(6));
        await _s.RunTimersAsync();

        var @case = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.False((bool)@case["isOverdue"]!);
        Assert.DoesNotContain(@case["timeline"]!.AsArray(), e => (string?)e!["kind"] is "Overdue" or "Reminder");
    }

    [Theory]
    [InlineData("2026-11-24T17:30:00Z", "2026-11-25T16:00:00Z")] // Tuesday 18:30 → Wednesday 17:00
    [InlineData("2026-11-27T17:00:00Z", "2026-11-30T16:00:00Z")] // Friday 18:00 → Monday 17:00
    [InlineData("2026-12-18T16:30:00Z", "2027-01-04T16:00:00Z")] // Friday before the Christmas holiday, after school → Monday after it
    [InlineData("2026-12-18T10:00:00Z", "2026-12-18T16:00:00Z")] // the same Friday in the morning → that afternoon
    [InlineData("2026-03-27T17:00:00Z", "2026-03-30T15:00:00Z")] // Friday before summer time starts → Monday 17:00 CEST
    [InlineData("2026-03-30T08:00:00Z", "2026-03-30T15:00:00Z")] // Monday after: 10:00 CEST → 17:00 CEST
    [InlineData("2026-10-23T17:00:00Z", "2026-10-26T16:00:00Z")] // Friday before winter time (in the autumn holiday week: 19–23 Oct) → Monday 17:00 CET
    [InlineData("2026-10-26T08:00:00Z", "2026-10-26T16:00:00Z")] // Monday after winter time starts
    public async Task Step_1_is_due_at_the_end_of_the_school_day_or_the_next_school_day(string reportedUtc, string expectedDueUtc)
    {
        var reported = DateTimeOffset.Parse(reportedUtc, System.Globalization.CultureInfo.InvariantCulture);
        // A school whose clock starts just before the moment of the signal.
        await using var school = new SchoolApp(reported.AddHours(-1));
        var (original, originalPupil) = (_s, _pupil);
        try
        {
            _s = school;
            _pupil = (string)(await school.PupilsAsync(HostApp.Teacher1))[0]["id"]!;
            var (_, due) = await ReportAtAsync(reported);
            Assert.Equal(DateTimeOffset.Parse(expectedDueUtc, System.Globalization.CultureInfo.InvariantCulture), due);
        }
        finally
        {
            (_s, _pupil) = (original, originalPupil);
        }
    }
}
