namespace PestWorkflows.Activities.Protocol;

/// <summary>Which email to the parents an <see cref="EmailParents"/> sends; decides its default texts.</summary>
public static class ParentsEmailKind
{
    /// <summary>After step 4: we talked with your child and are taking it up.</summary>
    public const string Feedback = "Feedback";
    /// <summary>Step 6: an invitation to a meeting (with an .ics).</summary>
    public const string Invitation = "Invitation";
    /// <summary>On closing: the behaviour has stopped and the case is closed.</summary>
    public const string Closed = "Closed";

    public static readonly string[] All = [Feedback, Invitation, Closed];

    public static string DefaultSubject(string kind) => kind switch
    {
        Invitation => "Uitnodiging voor een gesprek over {{ pupil.firstName }}",
        Closed => "Afronding: het gedrag rond {{ pupil.firstName }} is gestopt",
        _ => "Wij hebben met {{ pupil.firstName }} gesproken",
    };

    public static string DefaultBody(string kind) => kind switch
    {
        Invitation =>
            """
            Beste {{ guardian.name }},

            Wij willen graag met u in gesprek over het gedrag van {{ pupil.firstName }} op school. Samen willen we kijken wat we kunnen doen zodat het pesten stopt, en welke afspraken daarbij passen.

            Wanneer: {{ appointment.date }} om {{ appointment.time }} uur
            Waar: {{ appointment.place }}

            In de bijlage vindt u een uitnodiging voor uw agenda. Kunt u niet op dit moment? Beantwoord dan deze e-mail, dan zoeken we samen een ander moment.

            Met vriendelijke groet,
            {{ coordinator.name }}
            anti-pestcoördinator, {{ school.name }}
            """,
        Closed =>
            """
            Beste {{ guardian.name }},

            De afgelopen periode hebben wij het gedrag rond {{ pupil.firstName }} goed gevolgd. Het pesten is gestopt, en daarom sluiten wij de zaak af.

            Blijft u thuis iets merken, of heeft u vragen? Beantwoord dan deze e-mail; wij nemen het dezelfde dag nog op.

            Met vriendelijke groet,
            {{ coordinator.name }}
            anti-pestcoördinator, {{ school.name }}
            """,
        _ =>
            """
            Beste {{ guardian.name }},

            Wij hebben vandaag op school met {{ pupil.firstName }} gesproken over wat er is gebeurd. Wij nemen dit serieus en pakken het op.

            Wat gebeurt er nu? Wij spreken ook met de andere betrokken leerling(en) en volgen de komende weken hoe het gaat. Wij houden u op de hoogte. Merkt u thuis iets, of heeft u vragen? Beantwoord dan deze e-mail.

            Met vriendelijke groet,
            {{ coordinator.name }}
            anti-pestcoördinator, {{ school.name }}
            """,
    };
}
