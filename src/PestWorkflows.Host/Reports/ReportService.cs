using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Reports;

/// <summary>
/// The jaarevaluatie's figures, computed by the database: counts as one aggregate query, percentiles as an
/// ordered query that reads one row at an offset. No case is loaded into memory, so the cost grows with the
/// database's work, not with the host's memory. Works on SQLite (moments as UTC ticks) and PostgreSQL.
/// </summary>
public sealed class ReportService(AppDbContext db, TimeProvider clock)
{
    /// <summary>The school year of today, Amsterdam time.</summary>
    public SchoolYear CurrentSchoolYear => SchoolYear.Of(clock.GetUtcNow());

    /// <summary>The school's report for <paramref name="year"/> and the year before; null when the school does not exist.</summary>
    public async Task<AnnualReport?> AnnualAsync(string schoolId, SchoolYear year, CancellationToken ct)
    {
        var school = await db.Schools.AsNoTracking().Where(s => s.Id == schoolId).Select(s => new { s.Id, s.Name }).FirstOrDefaultAsync(ct);
        if (school is null) return null;
        return new AnnualReport(school.Id, school.Name, await FiguresAsync(school.Id, year, ct), await FiguresAsync(school.Id, year.Previous, ct));
    }

    /// <summary>Every school's figures for one year, by name (the board view).</summary>
    public async Task<IReadOnlyList<(string SchoolId, string SchoolName, AnnualFigures Figures)>> BoardAsync(SchoolYear year, CancellationToken ct)
    {
        var schools = await db.Schools.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        var result = new List<(string, string, AnnualFigures)>();
        foreach (var school in schools) result.Add((school.Id, school.Name, await FiguresAsync(school.Id, year, ct)));
        return result;
    }

    public async Task<AnnualFigures> FiguresAsync(string schoolId, SchoolYear year, CancellationToken ct)
    {
        var (start, end) = (year.StartUtc, year.EndUtc);
        var yearCases = db.Cases.AsNoTracking().Where(c => c.SchoolId == schoolId && c.ReportedAt >= start && c.ReportedAt < end);

        var counts = await yearCases.GroupBy(c => 1).Select(g => new
        {
            Signals = g.Count(),
            Confirmed = g.Count(c => c.Outcome != null && c.Outcome != CaseOutcome.NotBullying),
            NotBullying = g.Count(c => c.Outcome == CaseOutcome.NotBullying),
            Undecided = g.Count(c => c.Outcome == null),
            Step2 = g.Count(c => c.Status == CaseStatus.Closed && c.EndedAtStep == 2),
            Step5 = g.Count(c => c.Status == CaseStatus.Closed && c.EndedAtStep == 5),
            Step6 = g.Count(c => c.Status == CaseStatus.Closed && c.EndedAtStep == 6),
            Step7 = g.Count(c => c.Status == CaseStatus.Closed && c.EndedAtStep == 7),
            Esis = g.Count(c => c.EsisRegisteredAt != null),
        }).FirstOrDefaultAsync(ct);

        var step1 = await (from t in db.Tasks
                           join c in yearCases on t.CaseId equals c.Id
                           where t.Step == 1 && t.DueAt != null && t.Status != CaseTaskStatus.Cancelled
                           group t by 1 into g
                           select new { Tasks = g.Count(), OnTime = g.Count(t => t.CompletedAt != null && t.CompletedAt <= t.DueAt) })
            .FirstOrDefaultAsync(ct);

        var perGroup = await (from cp in db.CasePupils
                              where cp.Role == PupilRole.Bullied
                              join c in yearCases on cp.CaseId equals c.Id
                              // The group the pupil was in when the signal came (kept on the case): a pupil moves up
                              // a group each year, and an anonymised case no longer links to the pupil at all.
                              join gr in db.Groups on cp.GroupId equals gr.Id
                              group cp.CaseId by new { gr.Id, gr.Name, gr.Year } into g
                              select new { g.Key.Id, g.Key.Name, g.Key.Year, Cases = g.Distinct().Count() })
            .ToListAsync(ct);

        var withoutBullied = await yearCases.CountAsync(c => !db.CasePupils.Any(cp => cp.CaseId == c.Id && cp.Role == PupilRole.Bullied), ct);
        var openAtEnd = await db.Cases.CountAsync(c => c.SchoolId == schoolId && c.ReportedAt < end && (c.ClosedAt == null || c.ClosedAt >= end), ct);

        return new AnnualFigures
        {
            SchoolYear = year.ToString(),
            Signals = counts?.Signals ?? 0,
            ConfirmedBullying = counts?.Confirmed ?? 0,
            NotBullying = counts?.NotBullying ?? 0,
            Undecided = counts?.Undecided ?? 0,
            EndedAtStep2 = counts?.Step2 ?? 0,
            EndedAtStep5 = counts?.Step5 ?? 0,
            EndedAtStep6 = counts?.Step6 ?? 0,
            EndedAtStep7 = counts?.Step7 ?? 0,
            Step1Tasks = step1?.Tasks ?? 0,
            Step1OnTime = step1?.OnTime ?? 0,
            SignalToStep1 = await DurationsAsync(Step1Durations, schoolId, start, end, ct),
            SignalToClosing = await DurationsAsync(ClosingDurations, schoolId, start, end, ct),
            PerGroup = perGroup.OrderBy(g => g.Year).ThenBy(g => g.Name, StringComparer.Ordinal)
                .Select(g => new GroupCount(g.Id, g.Name, g.Year, g.Cases)).ToList(),
            WithoutBulliedPupil = withoutBullied,
            OpenAtYearEnd = openAtEnd,
            RegisteredInEsis = counts?.Esis ?? 0,
        };
    }

    private bool IsSqlite => db is SqliteAppDbContext;

    /// <summary>Whole seconds from <paramref name="earlier"/> to <paramref name="later"/> (two moment columns or expressions).</summary>
    private string Seconds(string later, string earlier) => IsSqlite
        // UTC ticks: 10,000,000 a second; integer division floors a non-negative duration.
        ? $"(({later}) - ({earlier})) / 10000000"
        : $"CAST(FLOOR(EXTRACT(EPOCH FROM (({later}) - ({earlier})))) AS bigint)";

    /// <summary>Per case of the year, seconds from the signal to its first completed step-1 task.</summary>
    private string Step1Durations() =>
        $$"""
        SELECT {{Seconds("MIN(t.\"CompletedAt\")", "c.\"ReportedAt\"")}} AS d
        FROM cases c JOIN tasks t ON t."CaseId" = c."Id"
        WHERE c."SchoolId" = {0} AND c."ReportedAt" >= {1} AND c."ReportedAt" < {2} AND t."Step" = 1 AND t."CompletedAt" IS NOT NULL
        GROUP BY c."Id", c."ReportedAt"
        """;

    /// <summary>Per closed case of the year, seconds from the signal to closing.</summary>
    private string ClosingDurations() =>
        $$"""
        SELECT {{Seconds("c.\"ClosedAt\"", "c.\"ReportedAt\"")}} AS d
        FROM cases c
        WHERE c."SchoolId" = {0} AND c."ReportedAt" >= {1} AND c."ReportedAt" < {2} AND c."ClosedAt" IS NOT NULL
        """;

    /// <summary>
    /// Count, median and 90th percentile (nearest rank) of the durations <paramref name="inner"/> selects as <c>d</c>, in one
    /// ordered pass: each duration's rank in ascending order and the count, keeping only the rows at rank ⌈n/2⌉ and ⌈9n/10⌉
    /// (integer arithmetic, as SQLite has no CEILING everywhere). At most two rows come back.
    /// </summary>
    private async Task<DurationFigures> DurationsAsync(Func<string> inner, string schoolId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        // Raw parameters bypass the value converters: SQLite compares UTC ticks, PostgreSQL UTC instants.
        object from = IsSqlite ? start.UtcTicks : start.ToUniversalTime();
        object to = IsSqlite ? end.UtcTicks : end.ToUniversalTime();
        // The SQL text is ours alone (no value of a request in it); the values go as parameters.
        var sql = """
            SELECT CAST(r."Rank" AS bigint) AS "Rank", CAST(r."Count" AS bigint) AS "Count", CAST(r.d AS bigint) AS "Seconds"
            FROM (SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS "Rank", COUNT(*) OVER () AS "Count" FROM (
            """ + inner() + """
            ) AS durations) AS r
            WHERE r."Rank" = (r."Count" + 1) / 2 OR r."Rank" = (9 * r."Count" + 9) / 10
            """;
        var rows = await db.Database.SqlQueryRaw<DurationRank>(sql, schoolId, from, to).ToListAsync(ct);
        if (rows.Count == 0) return new DurationFigures(0, null, null);
        var count = rows[0].Count;
        return new DurationFigures((int)count,
            rows.Single(r => r.Rank == (count + 1) / 2).Seconds,
            rows.Single(r => r.Rank == (9 * count + 9) / 10).Seconds);
    }
}
