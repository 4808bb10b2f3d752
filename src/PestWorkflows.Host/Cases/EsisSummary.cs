using System.Text;
using System.Text.RegularExpressions;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// The ready-to-paste text of the ESIS registration task ("Registreren in ESIS door leerkracht"): the case's
/// facts (dates, steps done, outcome so far) once without any pupil's name, and per pupil the text for that
/// pupil's file. Free text people typed (the signal's description) has the other pupils' names replaced.
/// </summary>
public static class EsisSummary
{
    public const string ActivityType = "Pestprotocol.RegisterInEsis";
    public const string OtherPupil = "andere leerling";

    /// <summary>The ESIS task as the case shows it, with its texts; any other task as it is.</summary>
    public static TaskDto Add(TaskDto task, Case @case, IReadOnlyList<CasePupilDto> pupils, IReadOnlyList<CaseTask> tasksOfCase)
    {
        if (task.ActivityType != ActivityType) return task;
        return task with
        {
            Summary = CaseText(@case, pupils, tasksOfCase, forPupil: null),
            PupilSummaries = pupils.Select(p => new EsisPupilSummaryDto(p.PupilId, p.Name, p.Group, p.RoleLabel, CaseText(@case, pupils, tasksOfCase, p))).ToList(),
        };
    }

    private static string CaseText(Case @case, IReadOnlyList<CasePupilDto> pupils, IReadOnlyList<CaseTask> tasksOfCase, CasePupilDto? forPupil)
    {
        var text = new StringBuilder();
        if (forPupil is not null)
        {
            text.AppendLine($"Leerling: {forPupil.Name} ({forPupil.Group})");
            text.AppendLine($"Rol in deze pestzaak: {forPupil.RoleLabel}");
            var others = pupils.Where(p => p.PupilId != forPupil.PupilId).ToList();
            if (others.Count > 0)
                text.AppendLine("Ook betrokken: " + string.Join(", ", others.GroupBy(p => p.RoleLabel).Select(g => $"{g.Count()} {(g.Count() == 1 ? OtherPupil : "andere leerlingen")} ({g.Key})")));
        }
        else
            text.AppendLine("Betrokken: " + string.Join(", ", pupils.GroupBy(p => p.RoleLabel).Select(g => $"{g.Count()} × {g.Key}")));
        text.AppendLine($"Pestzaak {@case.Id[..Math.Min(8, @case.Id.Length)]}, gemeld op {Date(@case.ReportedAt)}");
        text.AppendLine($"Gebeurd: {Date(@case.ObservedAt)} om {DutchTime.Local(@case.ObservedAt):HH:mm}, {Redact(@case.Location, pupils, forPupil)}");
        text.AppendLine($"Wat er gebeurde: {Redact(@case.Description, pupils, forPupil)}");
        text.AppendLine($"Grens duidelijk overschreden: {(@case.BoundaryCrossed ? "ja" : "nee")}");
        var done = tasksOfCase.Where(t => t.Status == CaseTaskStatus.Completed && t.CompletedAt is not null && t.ActivityType != ActivityType)
            .OrderBy(t => t.CompletedAt).ToList();
        text.AppendLine("Gedaan:");
        if (done.Count == 0) text.AppendLine("- nog geen stap afgerond");
        foreach (var t in done)
        {
            var outcomes = TaskForm.Outcomes(t);
            var outcome = outcomes.Count > 1 ? outcomes.FirstOrDefault(o => o.Name == t.Outcome)?.Label ?? t.Outcome : "afgerond";
            text.AppendLine($"- {Date(t.CompletedAt!.Value)}: {t.Title}: {outcome}");
        }
        text.Append("Uitkomst tot nu toe: ").Append(@case.Outcome is { } end ? $"{Outcome(end)} (gesloten op {Date(@case.ClosedAt ?? @case.ReportedAt)})" : $"de zaak loopt; nu bij {@case.CurrentStepTitle}");
        return text.ToString();
    }

    /// <summary>The names of the pupils other than <paramref name="forPupil"/> (full, then first and last name alone) as "andere leerling".</summary>
    public static string Redact(string text, IReadOnlyList<CasePupilDto> pupils, CasePupilDto? forPupil)
    {
        var names = pupils.Where(p => p.PupilId != forPupil?.PupilId).SelectMany(p => NameParts(p.Name))
            .Where(n => forPupil is null || !NameParts(forPupil.Name).Contains(n, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(n => n.Length);
        foreach (var name in names)
            text = Regex.Replace(text, $@"(?<!\w){Regex.Escape(name)}(?!\w)", $"[{OtherPupil}]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return text;
    }

    private static IEnumerable<string> NameParts(string fullName)
    {
        var parts = fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        yield return fullName;
        if (parts.Length == 0) yield break;
        yield return parts[0];
        if (parts.Length > 1) yield return string.Join(' ', parts[1..]);  // "de Vries"
        if (parts.Length > 2) yield return parts[^1];                      // "Vries"
    }

    private static string Date(DateTimeOffset at) => DutchTime.Local(at).ToString("dd-MM-yyyy", DutchTime.Culture);

    private static string Outcome(CaseOutcome outcome) => outcome switch
    {
        CaseOutcome.NotBullying => "geen pesten",
        CaseOutcome.StoppedAfterConversation => "het pesten is gestopt na het gesprek met de pester",
        CaseOutcome.StoppedAfterParents => "het pesten is gestopt na het gesprek met de ouders van de pester",
        CaseOutcome.Mdo => "doorverwezen naar een MDO",
        _ => outcome.ToString(),
    };
}
