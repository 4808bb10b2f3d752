namespace PestWorkflows.Host.Import;

/// <summary>The Dutch sentences the page and the API share.</summary>
public static class PupilImportTexts
{
    public static readonly string TooLarge = $"Het bestand is groter dan {PupilImporter.MaxBytes / (1024 * 1024)} MB.";
    public const string NothingImported = "Er is niets ingelezen. Verbeter deze regels in het bestand en probeer het opnieuw.";

    public static string Refused(int problems) => problems == 1 ? "Het bestand is geweigerd: 1 regel klopt niet." : $"Het bestand is geweigerd: {problems} regels kloppen niet.";
}
