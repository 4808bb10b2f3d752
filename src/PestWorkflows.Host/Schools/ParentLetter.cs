namespace PestWorkflows.Host.Schools;

/// <summary>
/// The school's letter to parents ("Informatie voor ouders/verzorgers" of the quality card), in the
/// school's own words: a public page of the school, and sent along with the first email to a
/// family in a case.
/// </summary>
public static class ParentLetter
{
    public const string Title = "Informatie voor ouders en verzorgers";

    public static string PagePath(string schoolId) => $"/scholen/{Uri.EscapeDataString(schoolId)}/informatie-ouders";

    public static IReadOnlyList<string> Paragraphs(string schoolName) =>
    [
        "Beste ouders en verzorgers,",
        $"{schoolName} wil een veilige plek zijn voor ieder kind. Veilig in de zin van lichamelijke veiligheid, maar ook: je veilig voelen tijdens het spelen, het leren en het werken op school.",
        "Natuurlijk zijn kinderen het weleens met elkaar oneens. Wij leren leerlingen om zo'n onenigheid zelf goed op te lossen, en helpen waar dat nodig is. School is een oefenplaats voor wat kinderen later nodig hebben.",
        "Eén ding staat voorop: pesten mag niet. Daar trekken wij een duidelijke grens. Zien wij of horen wij dat er gepest wordt, dan bespreekt de leerkracht dat nog dezelfde dag met onze anti-pestcoördinator, en gaat ons stappenplan in werking: gesprekken met de leerlingen om wie het gaat, afspraken, en een periode waarin wij goed volgen of het pesten stopt.",
        "In dat stappenplan hebben de ouders om wie het gaat een belangrijke rol. Wij houden u op de hoogte, nodigen u uit voor een gesprek als dat nodig is, en laten u weten wanneer wij de zaak afsluiten. Over andere kinderen vertellen wij u niets; zij hebben net als uw kind recht op privacy.",
        "Het volledige stappenplan kunt u op school inzien. Heeft u vragen, of merkt u thuis iets? Neem dan contact op met de leerkracht of met onze anti-pestcoördinator.",
    ];
}
