using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>
/// Step 7: invites the people chosen for the MDO by email, with an .ics. Subject and body are Liquid
/// templates the host renders per recipient with the same fields as <see cref="EmailParents"/>
/// (<c>pupil</c> is the bully, <c>recipient.name</c> the person invited); nothing in them can reach another pupil.
/// </summary>
[Activity("Pestprotocol", "Pestprotocol", "Stap 7: stuurt de genodigden van het MDO een uitnodiging met datum, tijd, plaats en een agenda-bijlage.",
    DisplayName = "Uitnodiging MDO")]
public sealed class EmailMdoInvitation : CodeActivity
{
    public const string DefaultSubject = "Uitnodiging MDO over {{ pupil.firstName }}";
    public const string DefaultBody =
        """
        Beste {{ recipient.name }},

        U bent uitgenodigd voor een multidisciplinair overleg (MDO) over {{ pupil.name }}. De school heeft gedaan wat binnen haar mogelijkheden ligt om het pesten te laten stoppen, en wil samen bespreken wat er nu nodig is.

        Wanneer: {{ appointment.date }} om {{ appointment.time }} uur
        Waar: {{ appointment.place }}

        In de bijlage vindt u een uitnodiging voor uw agenda. Kunt u niet? Beantwoord dan deze e-mail.

        Met vriendelijke groet,
        {{ coordinator.name }}
        anti-pestcoördinator, {{ school.name }}
        """;

    [Input(DisplayName = "Onderwerp", Description = "Liquid-sjabloon; leeg: de standaardtekst.", DefaultValue = DefaultSubject, DefaultSyntax = "Liquid")]
    public Input<string> Subject { get; set; } = new(expression: null);

    [Input(DisplayName = "Tekst", Description = "Liquid-sjabloon; leeg: de standaardtekst. Alleen de leerling om wie het MDO gaat mag genoemd worden.",
        UIHint = InputUIHints.MultiLine, DefaultValue = DefaultBody, DefaultSyntax = "Liquid")]
    public Input<string> Body { get; set; } = new(expression: null);

    [Input(DisplayName = "Genodigden", Description = "Wie er worden uitgenodigd (de uitvoer van 'MDO plannen').", Category = "Afspraak")]
    public Input<string> Invitees { get; set; } = new(expression: null);

    [Input(DisplayName = "Afspraak: datum en tijd", Description = "Wanneer het MDO is (schooltijd, jjjj-mm-ddTuu:mm).", Category = "Afspraak")]
    public Input<string> AppointmentAt { get; set; } = new(expression: null);

    [Input(DisplayName = "Afspraak: plaats", Category = "Afspraak")]
    public Input<string> AppointmentPlace { get; set; } = new(expression: null);

    [Input(DisplayName = "Afspraak: duur in minuten", DefaultValue = 60, Category = "Afspraak")]
    public Input<int> AppointmentMinutes { get; set; } = new(60);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var subject = await EmailParents.TemplateAsync(context, Subject, nameof(Subject));
        var body = await EmailParents.TemplateAsync(context, Body, nameof(Body));
        context.AddStepEffect(new MdoInvitationRequested(
            context.WorkflowInstanceId, Id,
            string.IsNullOrWhiteSpace(subject) ? DefaultSubject : subject,
            string.IsNullOrWhiteSpace(body) ? DefaultBody : body,
            await context.GetAsync(AppointmentAt, nameof(AppointmentAt)),
            await context.GetAsync(AppointmentPlace, nameof(AppointmentPlace)),
            Math.Clamp(await context.GetAsync(AppointmentMinutes, nameof(AppointmentMinutes)), 5, 8 * 60),
            await context.GetAsync(Invitees, nameof(Invitees))));
    }
}
