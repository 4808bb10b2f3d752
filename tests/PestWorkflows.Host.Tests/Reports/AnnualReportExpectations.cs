using System.Text.Json.Nodes;

namespace PestWorkflows.Host.Tests.Reports;

/// <summary>
/// The figures of <see cref="ReportYearSeed"/>, worked out by hand, checked against the API's JSON (SQLite and PostgreSQL alike).
/// </summary>
public static class AnnualReportExpectations
{
    private const long Hour = 3600, Day = 86400;

    /// <summary>2025-2026: cases A–F (G was reported half an hour into the next year; V is another school's).</summary>
    public static void Assert2025_2026(JsonNode f)
    {
        Assert.Equal("2025-2026", (string)f["schoolYear"]!);
        Assert.Equal(6, (int)f["signals"]!);
        Assert.Equal(3, (int)f["confirmedBullying"]!);       // B (5), C (6), D (7)
        Assert.Equal(2, (int)f["notBullying"]!);             // A, F
        Assert.Equal(1, (int)f["undecided"]!);               // E
        Assert.Equal(2, (int)f["endedAtStep2"]!);
        Assert.Equal(1, (int)f["endedAtStep5"]!);
        Assert.Equal(1, (int)f["endedAtStep6"]!);
        Assert.Equal(1, (int)f["endedAtStep7"]!);             // D closed after 31 July still counts in the year it was reported
        Assert.Equal(6, (int)f["step1Tasks"]!);              // one per case; the cancelled ones do not count
        Assert.Equal(4, (int)f["step1OnTime"]!);             // A, B, D, F; C half an hour late (summer time began), E never done
        Assert.Equal(66.7, (double)f["step1OnTimePercent"]!);
        // Signal to step 1: A 2 h, D 4 h, F 58.5 h, B 67 h, C 72 h → median (rank 3 of 5) 58.5 h, p90 (rank 5) 72 h.
        AssertDurations(f["signalToStep1"]!, 5, (long)(58.5 * Hour), 72 * Hour);
        // Signal to closing: A 2, F 4, B 14, C 31, D 45 days → median 14 days, p90 45 days.
        AssertDurations(f["signalToClosing"]!, 5, 14 * Day, 45 * Day);
        Assert.Equal([("rb-groep1", 1), ("rb-groep2", 2), ("rb-groep3", 2), ("rb-groep4", 1)], Groups(f));
        Assert.Equal(1, (int)f["withoutBulliedPupil"]!);     // E
        Assert.Equal(4, (int)f["openAtYearEnd"]!);           // D, F (closed in August), E and last year's I (still open)
        Assert.Equal(3, (int)f["registeredInEsis"]!);        // B, C, D
    }

    /// <summary>2024-2025: H and I.</summary>
    public static void Assert2024_2025(JsonNode f)
    {
        Assert.Equal("2024-2025", (string)f["schoolYear"]!);
        Assert.Equal(2, (int)f["signals"]!);
        Assert.Equal(1, (int)f["confirmedBullying"]!);
        Assert.Equal(0, (int)f["notBullying"]!);
        Assert.Equal(1, (int)f["undecided"]!);
        Assert.Equal(1, (int)f["endedAtStep5"]!);
        Assert.Equal(2, (int)f["step1Tasks"]!);
        Assert.Equal(1, (int)f["step1OnTime"]!);
        Assert.Equal(50.0, (double)f["step1OnTimePercent"]!);
        // 1 h and 24 h: median rank ⌈1⌉ = 1 h, p90 rank ⌈1.8⌉ = 2 → 24 h.
        AssertDurations(f["signalToStep1"]!, 2, 1 * Hour, 24 * Hour);
        AssertDurations(f["signalToClosing"]!, 1, 10 * Day, 10 * Day);
        Assert.Equal([("rb-groep1", 1), ("rb-groep2", 1)], Groups(f));
        Assert.Equal(1, (int)f["openAtYearEnd"]!);           // I
        Assert.Equal(0, (int)f["registeredInEsis"]!);
    }

    private static void AssertDurations(JsonNode d, int count, long median, long p90)
    {
        Assert.Equal(count, (int)d["count"]!);
        Assert.Equal(median, (long)d["medianSeconds"]!);
        Assert.Equal(p90, (long)d["percentile90Seconds"]!);
    }

    private static List<(string, int)> Groups(JsonNode f) =>
        f["perGroup"]!.AsArray().Select(g => ((string)g!["groupId"]!, (int)g["cases"]!)).ToList();
}
