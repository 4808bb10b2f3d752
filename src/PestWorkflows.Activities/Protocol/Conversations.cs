using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Activities.Protocol;

/// <summary>Step 4: talk with the bullied pupil; tell them we take it up; feedback to the parents.</summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 4: in gesprek met de gepeste leerling, eventueel met vertrouwenspersoon of ouder. Aangeven dat we het oppakken; terugkoppeling naar ouders.",
    DisplayName = "Stap 4: Gesprek met gepeste leerling", Kind = ActivityKind.Task)]
public sealed class ConversationWithBulliedPupil : HumanTaskActivity
{
    protected override int Step => 4;
    protected override string DefaultTitle => "Stap 4: gesprek met de gepeste leerling";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("notes", "Verslag van het gesprek", TaskFieldType.Multiline, Required: true),
        new("withConfidant", "Vertrouwenspersoon was aanwezig", TaskFieldType.Bool),
        new("withParent", "Ouder/verzorger was aanwezig", TaskFieldType.Bool),
    ];
}

/// <summary>Step 5: talk with the bully; the bully fills in and signs a reflection sheet (nadenkvel).</summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 5: in gesprek met de pester: we weten het, het moet stoppen, ander gedrag ervoor in de plaats. De pester vult een nadenkvel in en ondertekent het.",
    DisplayName = "Stap 5: Gesprek met pester", Kind = ActivityKind.Task)]
public sealed class ConversationWithBully : HumanTaskActivity
{
    protected override int Step => 5;
    protected override string DefaultTitle => "Stap 5: gesprek met de pester (nadenkvel)";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("notes", "Verslag van het gesprek", TaskFieldType.Multiline, Required: true),
        new("nadenkvelSigned", "Nadenkvel ingevuld en ondertekend", TaskFieldType.Bool, Required: true),
        new("nadenkvel", "Nadenkvel (scan of foto)", TaskFieldType.File),
    ];
}

/// <summary>Step 6: meeting with the bully's parents: information, what we do to stop it, consequences.</summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 6: in gesprek met de ouders van de pester: informatie verzamelen, wat doen we om het te stoppen, passende consequenties.",
    DisplayName = "Stap 6: Gesprek met ouders van pester", Kind = ActivityKind.Task)]
public sealed class ConversationWithBullyParents : HumanTaskActivity
{
    protected override int Step => 6;
    protected override string DefaultTitle => "Stap 6: gesprek met de ouders van de pester";
    protected override string DefaultRole => StaffRoles.Coordinator;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("heldOn", "Datum van het gesprek", TaskFieldType.Date, Required: true),
        new("notes", "Verslag van het gesprek", TaskFieldType.Multiline, Required: true),
        new("consequences", "Afgesproken consequenties", TaskFieldType.Multiline),
    ];
}

/// <summary>Step 7: the school has run out of options: an MDO, possibly the suspension and expulsion protocol.</summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 7: organiseer een MDO vanwege handelingsverlegenheid; eventueel gaat het protocol schorsing en verwijdering in.",
    DisplayName = "Stap 7: MDO organiseren", Kind = ActivityKind.Task)]
public sealed class OrganiseMdo : HumanTaskActivity
{
    protected override int Step => 7;
    protected override string DefaultTitle => "Stap 7: MDO organiseren";
    protected override string DefaultRole => StaffRoles.Leader;
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("heldOn", "Datum van het MDO", TaskFieldType.Date, Required: true),
        new("mdoOutcome", "Uitkomst van het MDO", TaskFieldType.Multiline, Required: true),
        new("suspensionProtocolStarted", "Protocol schorsing en verwijdering gestart", TaskFieldType.Bool, Required: true),
    ];
}

/// <summary>The teacher registers the case in ESIS, the pupil administration, and notes the reference.</summary>
[Activity("Pestprotocol", "Pestprotocol", "De leerkracht registreert de zaak in ESIS en noteert het ESIS-kenmerk.",
    DisplayName = "Registreren in ESIS", Kind = ActivityKind.Task)]
public sealed class RegisterInEsis : HumanTaskActivity
{
    protected override int Step => 3;
    protected override string DefaultTitle => "Registreer de zaak in ESIS";
    protected override string DefaultRole => StaffRoles.Reporter;
    protected override string Description => "Plak de samenvatting van de zaak in ESIS en noteer hier het kenmerk.";
    protected override IReadOnlyList<TaskField> Fields { get; } =
    [
        new("esisReference", "ESIS-kenmerk", TaskFieldType.Text, Required: true),
    ];
}
