using System.Globalization;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Reports;

/// <summary>
/// The figures as a person reads them, in one place: the page's table and the CSV are both made from these rows,
/// so they cannot disagree. Hours and days with one decimal and a decimal comma (Dutch Excel reads them as numbers).
/// </summary>
public static class AnnualReportRows
{
    public const string None = "geen";

    /// <summary>Rows for several columns of figures (two years of one school, or one year of several schools).</summary>
    public static IReadOnlyList<ReportRow> For(IReadOnlyList<AnnualFigures> columns)
    {
        ReportRow Row(string label, Func<AnnualFigures, string> value) => new(label, columns.Select(value).ToList());
        var rows = new List<ReportRow>
        {
            Row("Signalen", f => Count(f.Signals)),
            Row("Bevestigd als pesten", f => Count(f.ConfirmedBullying)),
            Row("Geen pesten", f => Count(f.NotBullying)),
            Row("Nog niet beoordeeld (open)", f => Count(f.Undecided)),
            Row("Geëindigd bij stap 2 (geen pesten)", f => Count(f.EndedAtStep2)),
            Row("Geëindigd bij stap 5 (gesprek met de pester)", f => Count(f.EndedAtStep5)),
            Row("Geëindigd bij stap 6 (gesprek met de ouders)", f => Count(f.EndedAtStep6)),
            Row("Geëindigd bij stap 7 (MDO)", f => Count(f.EndedAtStep7)),
            Row("Stap 1-taken met een deadline", f => Count(f.Step1Tasks)),
            Row("Stap 1 op tijd afgerond (dezelfde dag)", f => Count(f.Step1OnTime)),
            Row("Stap 1 op tijd afgerond (%)", f => f.Step1OnTimePercent is { } p ? p.ToString("0.0", DutchTime.Culture) : None),
            Row("Signaal tot stap 1 afgerond: mediaan (uren)", f => Hours(f.SignalToStep1.MedianSeconds)),
            Row("Signaal tot stap 1 afgerond: 90e percentiel (uren)", f => Hours(f.SignalToStep1.Percentile90Seconds)),
            Row("Signaal tot afsluiten: mediaan (dagen)", f => Days(f.SignalToClosing.MedianSeconds)),
            Row("Signaal tot afsluiten: 90e percentiel (dagen)", f => Days(f.SignalToClosing.Percentile90Seconds)),
            Row("Open aan het eind van het schooljaar", f => Count(f.OpenAtYearEnd)),
            Row("Geregistreerd in ESIS", f => Count(f.RegisteredInEsis)),
        };
        // By the group's name, so the board view puts every school's "Groep 5" on one line.
        var groups = columns.SelectMany(f => f.PerGroup).Select(g => (g.Year, g.Group)).Distinct()
            .OrderBy(g => g.Year).ThenBy(g => g.Group, StringComparer.Ordinal);
        foreach (var (_, name) in groups)
            rows.Add(Row($"Zaken in {name}", f => Count(f.PerGroup.Where(g => g.Group == name).Sum(g => g.Cases))));
        rows.Add(Row("Zaken zonder gepeste leerling", f => Count(f.WithoutBulliedPupil)));
        return rows;
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Hours(long? seconds) => seconds is { } s ? (s / 3600.0).ToString("0.0", DutchTime.Culture) : None;

    private static string Days(long? seconds) => seconds is { } s ? (s / 86400.0).ToString("0.0", DutchTime.Culture) : None;
}
