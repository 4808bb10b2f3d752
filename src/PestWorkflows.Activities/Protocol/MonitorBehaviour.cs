using System.Text.Json.Nodes;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>
/// Watches whether the bullying stopped: waits for the monitoring period, then asks the coordinator
/// "is het gestopt?". A new signal about the same bully meanwhile counts as "it goes on" at once.
/// </summary>
[Activity("Pestprotocol", "Pestprotocol", "Volg na het gesprek of het pesten stopt. Na de volgperiode: is het gestopt? Een nieuw signaal over dezelfde pester betekent: het gaat door.",
    DisplayName = "Gedrag volgen", Kind = ActivityKind.Task)]
[FlowNode("Stopped", "Continues")]
public sealed class MonitorBehaviour : HumanTaskActivity
{
    public const string PeriodEndedBookmark = "Pestprotocol.MonitoringEnded";

    /// <summary>Event name published when a new signal names this pupil as a bully.</summary>
    public static string NewSignalEvent(string pupilId) => $"Pestprotocol.NewSignal:{pupilId}";

    [Input(DisplayName = "Volgperiode", Description = "Hoe lang het gedrag wordt gevolgd voordat de vraag 'is het gestopt?' komt (d.uu:mm:ss).", DefaultValue = "14.00:00:00", Category = "Termijn")]
    public Input<TimeSpan> MonitoringPeriod { get; set; } = new(TimeSpan.FromDays(14));

    protected override int Step => 5;
    protected override string DefaultTitle => "Is het pesten gestopt?";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("observations", "Wat is er gezien in de volgperiode", TaskFieldType.Multiline, Required: true),
    ];
    protected override IReadOnlyList<TaskOutcome> TaskOutcomes { get; } = [new("Stopped", "Gestopt"), new("Continues", "Gaat door")];

    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var period = await context.GetAsync(MonitoringPeriod, nameof(MonitoringPeriod));
        var until = context.Clock.GetUtcNow() + period;
        context.CreateBookmark(new BookmarkOptions { Name = PeriodEndedBookmark, DueAt = until, Callback = true, Payload = new JsonObject { ["until"] = until.ToString("O") } });
        foreach (var pupilId in (context.WorkflowInput.GetValueOrDefault(CaseInput.BullyPupilIds) as JsonArray ?? []).Select(n => n?.ToString()).OfType<string>())
            context.CreateBookmark(new BookmarkOptions
            {
                Name = "Elsa.Event",
                Payload = Event.EventStimulus(NewSignalEvent(pupilId)),
                IncludeActivityInstanceId = false,
                Callback = true,
            });
        var local = TimeZoneInfo.ConvertTime(until, Scheduling.SchoolCalendar.AmsterdamTime);
        context.AddStepEffect(new CaseEvent(context.WorkflowInstanceId, CaseEventKind.MonitoringStarted,
            $"Het gedrag wordt gevolgd tot {local:dd-MM-yyyy}.", Step));
    }

    protected override async ValueTask OnOtherBookmarkAsync(ActivityExecutionContext context, Bookmark bookmark)
    {
        if (bookmark.Name == PeriodEndedBookmark)
        {
            await CreateTaskAsync(context);
            return;
        }
        // A new signal about the same bully: it goes on.
        if (OpenTaskId(context) is { } taskId)
            context.AddStepEffect(new HumanTaskCancelled(taskId, context.WorkflowInstanceId, "Nieuw signaal over dezelfde pester"));
        context.AddStepEffect(new CaseEvent(context.WorkflowInstanceId, CaseEventKind.NewSignalDuringMonitoring,
            "Nieuw signaal over dezelfde pester tijdens de volgperiode: het pesten gaat door.", Step, "Continues"));
        await context.CompleteActivityWithOutcomesAsync("Continues");
    }
}
