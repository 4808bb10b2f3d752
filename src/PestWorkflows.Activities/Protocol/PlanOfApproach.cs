using System.Text.Json.Nodes;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>
/// Step 3: who is informed, how it is registered, and which staff member does each later
/// conversation. Those choices are outputs; the protocol binds them to variables that assign the
/// later tasks.
/// </summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 3: plan van aanpak — wie brengen we op de hoogte, hoe administreren we dit, wie doet welke vervolgstappen.",
    DisplayName = "Stap 3: Plan van aanpak", Kind = ActivityKind.Task)]
public sealed class PlanOfApproach : HumanTaskActivity
{
    [Output(DisplayName = "Gesprek met gepeste door")] public Output<string> BulliedPupilConversationBy { get; set; } = new();
    [Output(DisplayName = "Gesprek met pester door")] public Output<string> BullyConversationBy { get; set; } = new();
    [Output(DisplayName = "Gesprek met ouders pester door")] public Output<string> BullyParentsConversationBy { get; set; } = new();
    [Output(DisplayName = "Registratie in ESIS door")] public Output<string> EsisRegistrationBy { get; set; } = new();

    protected override int Step => 3;
    protected override string DefaultTitle => "Stap 3: plan van aanpak opstellen";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("informed", "Wie brengen we op de hoogte", TaskFieldType.MultiChoice, Required: true,
        [
            new("ParentsOfBullied", "Ouders van de gepeste"), new("ParentsOfBully", "Ouders van de pester"),
            new("CareCoordinator", "Intern begeleider"), new("Leader", "Directie"), new("Confidant", "Vertrouwenspersoon"),
        ]),
        new("registration", "Hoe administreren we dit", TaskFieldType.Text, Required: true),
        new("bulliedPupilConversationBy", "Gesprek met de gepeste leerling (stap 4) door", TaskFieldType.User, Required: true),
        new("bullyConversationBy", "Gesprek met de pester (stap 5) door", TaskFieldType.User, Required: true),
        new("bullyParentsConversationBy", "Gesprek met de ouders van de pester (stap 6) door", TaskFieldType.User, Required: true),
        new("esisRegistrationBy", "Registratie in ESIS door", TaskFieldType.User, Required: true),
    ];

    protected override ValueTask OnTaskCompletedAsync(ActivityExecutionContext context, string outcome, JsonObject values)
    {
        context.Set(BulliedPupilConversationBy, Text(values, "bulliedPupilConversationBy"), nameof(BulliedPupilConversationBy));
        context.Set(BullyConversationBy, Text(values, "bullyConversationBy"), nameof(BullyConversationBy));
        context.Set(BullyParentsConversationBy, Text(values, "bullyParentsConversationBy"), nameof(BullyParentsConversationBy));
        context.Set(EsisRegistrationBy, Text(values, "esisRegistrationBy"), nameof(EsisRegistrationBy));
        return ValueTask.CompletedTask;
    }
}
