using System.Text.Json.Nodes;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>
/// Before step 7: when and where the MDO is, and whom the coordinator invites (colleagues, people
/// outside the school by address, the bully's parents). Its outputs feed <see cref="EmailMdoInvitation"/>.
/// </summary>
[Activity("Pestprotocol", "Pestprotocol", "Plan het MDO: datum, tijd, plaats en wie er worden uitgenodigd. De genodigden krijgen een uitnodiging met een agenda-bijlage.",
    DisplayName = "MDO plannen", Kind = ActivityKind.Task)]
public sealed class PlanMdo : HumanTaskActivity
{
    [Output(DisplayName = "Datum en tijd")] public Output<string> MeetingAt { get; set; } = new();
    [Output(DisplayName = "Plaats")] public Output<string> MeetingPlace { get; set; } = new();
    [Output(DisplayName = "Genodigden")] public Output<string> Invitees { get; set; } = new();

    protected override int Step => 7;
    protected override string DefaultTitle => "Stap 7: MDO plannen en genodigden kiezen";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override string Description => "Kies wie er bij het MDO zijn; zij krijgen een uitnodiging met datum, tijd en plaats.";
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("meetingAt", "Datum en tijd van het MDO", TaskFieldType.DateTime, Required: true),
        new("place", "Plaats", TaskFieldType.Text, Required: true),
        new("staff", "Collega's die worden uitgenodigd", TaskFieldType.Users),
        new("otherAddresses", "Andere genodigden (e-mailadressen, één per regel)", TaskFieldType.Multiline),
        new("inviteBullyParents", "Ouders van de pester uitnodigen", TaskFieldType.Bool),
    ];

    protected override ValueTask OnTaskCompletedAsync(ActivityExecutionContext context, string outcome, JsonObject values)
    {
        context.Set(MeetingAt, Text(values, "meetingAt"), nameof(MeetingAt));
        context.Set(MeetingPlace, Text(values, "place"), nameof(MeetingPlace));
        // One value for the invitation: who, as the form gave it.
        var invitees = new JsonObject
        {
            ["staff"] = values["staff"]?.DeepClone() ?? new JsonArray(),
            ["otherAddresses"] = Text(values, "otherAddresses") ?? "",
            ["inviteBullyParents"] = values["inviteBullyParents"] is JsonValue v && v.TryGetValue(out bool b) && b,
        };
        context.Set(Invitees, invitees.ToJsonString(), nameof(Invitees));
        return ValueTask.CompletedTask;
    }
}
