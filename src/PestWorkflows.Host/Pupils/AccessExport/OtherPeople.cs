using System.Text.RegularExpressions;
using PestWorkflows.Host.Cases;

namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>
/// The other pupils of a case and their parents, as free text must not name them in one pupil's access
/// export: pupils' full, first and last names become "andere leerling" (as the ESIS text does), their
/// parents' names and addresses "ouder van een andere leerling".
/// </summary>
public sealed class OtherPeople(IReadOnlyList<CasePupilDto> pupilsOfCase, CasePupilDto self, IReadOnlyList<(string Name, string Email)> otherParents)
{
    public const string OtherParent = "ouder van een andere leerling";

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        // Addresses first: a parent's address can contain a pupil's name ("jan.devries@...").
        foreach (var email in otherParents.Select(p => p.Email).Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
            text = Regex.Replace(text, Regex.Escape(email), $"[{OtherParent}]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        foreach (var name in otherParents.Select(p => p.Name).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(n => n.Length))
            text = Regex.Replace(text, $@"(?<!\w){Regex.Escape(name)}(?!\w)", $"[{OtherParent}]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return EsisSummary.Redact(text, pupilsOfCase, self);
    }
}
