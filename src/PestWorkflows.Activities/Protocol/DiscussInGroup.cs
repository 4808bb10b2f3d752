using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Activities.Protocol;

/// <summary>Once bullying is established: discuss it in the group and map the roles (Plezierige Klas, Ringaanpak).</summary>
[Activity("Pestprotocol", "Pestprotocol", "Bespreek het pesten in de groep en breng de rollen in beeld: pester, gepeste, meeloper, helper.",
    DisplayName = "Bespreken in de groep", Kind = ActivityKind.Task)]
public sealed class DiscussInGroup : HumanTaskActivity
{
    protected override int Step => 2;
    protected override string DefaultTitle => "Pesten bespreken in de groep";
    protected override string DefaultRole => StaffRoles.Reporter;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("held", "Groepsgesprek gehouden", TaskFieldType.Bool, Required: true),
        new("rolesInGroup", "Rollen in de groep (pester, gepeste, meeloper, helper)", TaskFieldType.Multiline, Required: true),
    ];
}
