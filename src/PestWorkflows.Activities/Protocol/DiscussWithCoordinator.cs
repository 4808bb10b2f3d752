using System.Text.Json.Nodes;
using PestWorkflows.Activities.Scheduling;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>
/// Step 1: the signals are discussed with the anti-bullying coordinator, the same school day.
/// Arms a reminder before the deadline and an escalation to the school leader at the deadline.
/// </summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 1: bespreek de signalen met de anti-pestcoördinator, dezelfde schooldag nog.",
    DisplayName = "Stap 1: Bespreken met anti-pestcoördinator", Kind = ActivityKind.Task)]
public sealed class DiscussWithCoordinator : HumanTaskActivity
{
    public const string ReminderBookmark = "Pestprotocol.Reminder";
    public const string EscalationBookmark = "Pestprotocol.Escalation";

    [Input(DisplayName = "Einde schooldag", Description = "Tot hoe laat een signaal dezelfde dag wordt opgepakt (lokale tijd, uu:mm).", DefaultValue = "17:00", Category = "Termijn")]
    public Input<string> SchoolDayEnd { get; set; } = new("17:00");

    [Input(DisplayName = "Herinnering vooraf", Description = "Hoe lang voor de deadline de herinnering gaat (uu:mm:ss).", DefaultValue = "02:00:00", Category = "Termijn")]
    public Input<TimeSpan> ReminderLeadTime { get; set; } = new(TimeSpan.FromHours(2));

    protected override int Step => 1;
    protected override string DefaultTitle => "Stap 1: signalen bespreken met de anti-pestcoördinator";
    protected override string DefaultRole => StaffRoles.Coordinator;
    // The deadline (end of the school day the signal came in, or the next school day) is shown with the task; "today" would be wrong after five or at the weekend.
    protected override string Description => "Bespreek de signalen met de melder en leg het gesprek vast, vóór de deadline van deze taak.";
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("notes", "Verslag van het gesprek", TaskFieldType.Multiline, Required: true),
    ];

    protected override async ValueTask<(DateTimeOffset? DueAt, DateTimeOffset? FollowUpAt)> ScheduleAsync(ActivityExecutionContext context)
    {
        var dayEnd = TimeOnly.Parse(await context.GetAsync(SchoolDayEnd, nameof(SchoolDayEnd)) ?? "17:00", System.Globalization.CultureInfo.InvariantCulture);
        var calendar = await context.GetRequiredService<ISchoolCalendarProvider>()
            .GetAsync((string?)context.WorkflowInput.GetValueOrDefault(CaseInput.SchoolId), context.CancellationToken);
        var signalAt = context.WorkflowInput.GetValueOrDefault(CaseInput.SignalAt) is JsonValue v && DateTimeOffset.TryParse(v.ToString(), out var at)
            ? at : context.Clock.GetUtcNow();
        // The deadline counts from when the signal reached the system, never from an earlier observation.
        var received = context.Clock.GetUtcNow();
        var due = calendar.EndOfSchoolDayFor(received > signalAt ? received : signalAt, dayEnd);
        return (due, null);
    }

    protected override async ValueTask OnTaskCreatedAsync(ActivityExecutionContext context, string taskId, DateTimeOffset? dueAt)
    {
        if (dueAt is null) return;
        var remindAt = dueAt.Value - await context.GetAsync(ReminderLeadTime, nameof(ReminderLeadTime));
        if (remindAt > context.Clock.GetUtcNow())
            context.CreateBookmark(new BookmarkOptions { Name = ReminderBookmark, DueAt = remindAt, Callback = true, Payload = new JsonObject { ["taskId"] = taskId } });
        context.CreateBookmark(new BookmarkOptions { Name = EscalationBookmark, DueAt = dueAt, Callback = true, Payload = new JsonObject { ["taskId"] = taskId } });
    }

    protected override ValueTask OnOtherBookmarkAsync(ActivityExecutionContext context, Bookmark bookmark)
    {
        if (bookmark.Name == ReminderBookmark)
            context.AddStepEffect(new CaseEvent(context.WorkflowInstanceId, CaseEventKind.Reminder,
                "Herinnering: stap 1 moet vandaag nog worden afgerond.", Step, NotifyRole: StaffRoles.Coordinator));
        else if (bookmark.Name == EscalationBookmark)
            context.AddStepEffect(new CaseEvent(context.WorkflowInstanceId, CaseEventKind.Overdue,
                "Stap 1 is niet op tijd afgerond; de zaak staat als te laat gemarkeerd.", Step, NotifyRole: StaffRoles.Leader));
        return ValueTask.CompletedTask;
    }
}
