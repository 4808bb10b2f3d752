using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Activities.Protocol;

/// <summary>Step 2: is this bullying? If not, the agreed follow-up is recorded and the case closes.</summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 2: is er sprake van pesten? Zo nee, leg vast hoe er verder mee wordt omgegaan.",
    DisplayName = "Stap 2: Is het pesten?", Kind = ActivityKind.Task)]
[FlowNode("Bullying", "NotBullying")]
public sealed class DecideIfBullying : HumanTaskActivity
{
    protected override int Step => 2;
    protected override string DefaultTitle => "Stap 2: beslissen of er sprake is van pesten";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("reasoning", "Toelichting", TaskFieldType.Multiline, Required: true),
        new("agreedFollowUp", "Afspraken als het geen pesten is (bijv. bij ruzie)", TaskFieldType.Multiline),
    ];
    protected override IReadOnlyList<TaskOutcome> TaskOutcomes { get; } = [new("Bullying", "Pesten"), new("NotBullying", "Geen pesten")];
}
