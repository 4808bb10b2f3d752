using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Activities.Protocol;

/// <summary>
/// Emails the parents of the case's pupils, one email per pupil that names only that pupil. Subject and
/// body are Liquid templates the host renders per pupil (<c>pupil.firstName</c>, <c>pupil.name</c>,
/// <c>guardian.name</c>, <c>school.name</c>, <c>coordinator.name</c>, <c>coordinator.email</c>,
/// <c>appointment.date</c>, <c>appointment.time</c>, <c>appointment.place</c>, <c>parentLetterUrl</c>);
/// a template that reaches for anything else is refused when the definition is saved.
/// </summary>
[Activity("Pestprotocol", "Pestprotocol", "Stuurt de ouders/verzorgers een e-mail: per leerling één e-mail, waarin alleen hun eigen kind genoemd wordt.",
    DisplayName = "E-mail aan ouders")]
public sealed class EmailParents : CodeActivity
{
    [Input(DisplayName = "Soort e-mail", Description = "Terugkoppeling (na stap 4), uitnodiging (stap 6, met agenda-bijlage) of afronding. Bepaalt de standaardteksten.",
        UIHint = InputUIHints.DropDown, Options = [ParentsEmailKind.Feedback, ParentsEmailKind.Invitation, ParentsEmailKind.Closed], DefaultValue = ParentsEmailKind.Feedback)]
    public Input<string> Kind { get; set; } = new(ParentsEmailKind.Feedback);

    [Input(DisplayName = "Ouders van", Description = "Bullied: de gepeste leerling; Bully: de pester; Involved: beide, ieder een eigen e-mail.",
        UIHint = InputUIHints.DropDown, Options = [ParentsRecipients.Bullied, ParentsRecipients.Bully, ParentsRecipients.Involved], DefaultValue = ParentsRecipients.Bullied)]
    public Input<string> Recipients { get; set; } = new(ParentsRecipients.Bullied);

    [Input(DisplayName = "Onderwerp", Description = "Liquid-sjabloon; leeg: de standaardtekst van de soort e-mail. Beschikbaar: pupil.firstName, pupil.name, guardian.name, school.name, coordinator.name, coordinator.email, appointment.date, appointment.time, appointment.place, parentLetterUrl.",
        DefaultValue = "Wij hebben met {{ pupil.firstName }} gesproken", DefaultSyntax = "Liquid")]
    public Input<string> Subject { get; set; } = new(expression: null);

    [Input(DisplayName = "Tekst", Description = "Liquid-sjabloon; leeg: de standaardtekst van de soort e-mail. Alleen het eigen kind van de ouders mag genoemd worden.",
        UIHint = InputUIHints.MultiLine, DefaultSyntax = "Liquid")]
    public Input<string> Body { get; set; } = new(expression: null);

    [Input(DisplayName = "Brief aan ouders meesturen", Description = "De brief 'Informatie voor ouders/verzorgers' gaat mee met de eerste e-mail van de zaak aan deze ouders.",
        UIHint = InputUIHints.Checkbox, DefaultValue = true)]
    public Input<bool> IncludeParentLetter { get; set; } = new(true);

    [Input(DisplayName = "Afspraak: datum en tijd", Description = "Voor een uitnodiging: wanneer het gesprek is (schooltijd, jjjj-mm-ddTuu:mm).", Category = "Afspraak")]
    public Input<string> AppointmentAt { get; set; } = new(expression: null);

    [Input(DisplayName = "Afspraak: plaats", Description = "Voor een uitnodiging: waar het gesprek is.", Category = "Afspraak")]
    public Input<string> AppointmentPlace { get; set; } = new(expression: null);

    [Input(DisplayName = "Afspraak: duur in minuten", DefaultValue = 45, Category = "Afspraak")]
    public Input<int> AppointmentMinutes { get; set; } = new(45);

    protected override async ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        var kind = await context.GetAsync(Kind, nameof(Kind));
        if (string.IsNullOrWhiteSpace(kind) || !ParentsEmailKind.All.Contains(kind)) kind = ParentsEmailKind.Feedback;
        var recipients = await context.GetAsync(Recipients, nameof(Recipients));
        if (string.IsNullOrWhiteSpace(recipients) || !ParentsRecipients.All.Contains(recipients)) recipients = ParentsRecipients.Bullied;
        var subject = await TemplateAsync(context, Subject, nameof(Subject));
        var body = await TemplateAsync(context, Body, nameof(Body));
        context.AddStepEffect(new ParentsEmailRequested(
            context.WorkflowInstanceId, Id, kind, recipients,
            string.IsNullOrWhiteSpace(subject) ? ParentsEmailKind.DefaultSubject(kind) : subject,
            string.IsNullOrWhiteSpace(body) ? ParentsEmailKind.DefaultBody(kind) : body,
            await context.GetAsync(IncludeParentLetter, nameof(IncludeParentLetter)),
            NullIfBlank(await context.GetAsync(AppointmentAt, nameof(AppointmentAt))),
            NullIfBlank(await context.GetAsync(AppointmentPlace, nameof(AppointmentPlace))),
            Math.Clamp(await context.GetAsync(AppointmentMinutes, nameof(AppointmentMinutes)), 5, 8 * 60)));
    }

    /// <summary>
    /// The template's own text: a Literal or Liquid input is the template itself, rendered later per
    /// pupil by the host (evaluating it here, against the workflow, would empty every pupil field).
    /// Any other expression (a variable, a script) yields the template.
    /// </summary>
    internal static async ValueTask<string?> TemplateAsync(ActivityExecutionContext context, Input<string> input, string name) =>
        input.Expression is { Type: "Literal" or "Liquid" } expression
            ? expression.Value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? expression.Value.GetValue<string>() : expression.Value?.ToJsonString()
            : await context.GetAsync(input, name);

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
