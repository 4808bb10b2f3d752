namespace PestWorkflows.Host.Import;

/// <summary>The header name of each column of the pupil import; see <see cref="PupilImportOptions"/>.</summary>
public sealed class PupilImportColumns
{
    public string PupilNumber { get; set; } = "leerlingnummer";
    public string FirstName { get; set; } = "voornaam";
    /// <summary>Optional column: "de", "van der"; it goes before the last name.</summary>
    public string Infix { get; set; } = "tussenvoegsel";
    public string LastName { get; set; } = "achternaam";
    public string Group { get; set; } = "groep";
    public string Parent1Email { get; set; } = "e-mail ouder 1";
    public string Parent1Name { get; set; } = "naam ouder 1";
    public string Parent2Email { get; set; } = "e-mail ouder 2";
    public string Parent2Name { get; set; } = "naam ouder 2";
}
