using System.Text.Json.Nodes;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>
/// Before a meeting with parents (step 6): when and where it is. Its outputs feed the invitation
/// (<see cref="EmailParents"/> with an .ics); the meeting's record stays the step's own task.
/// </summary>
[Activity("Pestprotocol", "Pestprotocol", "Plan het gesprek: datum, tijd en plaats. De ouders krijgen daarna een uitnodiging met een agenda-bijlage.",
    DisplayName = "Gesprek plannen", Kind = ActivityKind.Task)]
public sealed class PlanMeeting : HumanTaskActivity
{
    [Output(DisplayName = "Datum en tijd")] public Output<string> MeetingAt { get; set; } = new();
    [Output(DisplayName = "Plaats")] public Output<string> MeetingPlace { get; set; } = new();

    protected override int Step => 6;
    protected override string DefaultTitle => "Stap 6: gesprek met de ouders van de pester plannen";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override string Description => "Spreek een moment af; de ouders krijgen een uitnodiging met datum, tijd en plaats.";
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("meetingAt", "Datum en tijd van het gesprek", TaskFieldType.DateTime, Required: true),
        new("place", "Plaats", TaskFieldType.Text, Required: true),
    ];

    protected override ValueTask OnTaskCompletedAsync(ActivityExecutionContext context, string outcome, JsonObject values)
    {
        context.Set(MeetingAt, Text(values, "meetingAt"), nameof(MeetingAt));
        context.Set(MeetingPlace, Text(values, "place"), nameof(MeetingPlace));
        return ValueTask.CompletedTask;
    }
}
