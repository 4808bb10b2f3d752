namespace PestWorkflows.Host.Reports;

/// <summary>
/// One school's figures for one school year (1 August – 31 July, Amsterdam time). A case belongs to the year in
/// which it was reported, also when it closed after 31 July; "open at year end" is the one figure that looks at
/// every case of the school (reported before the year's end and not closed by then).
/// </summary>
public sealed record AnnualFigures
{
    public required string SchoolYear { get; init; }
    /// <summary>Signals reported in the year (each signal starts a case).</summary>
    public required int Signals { get; init; }
    /// <summary>Closed as bullying (stopped after step 5 or 6, or to an MDO at step 7).</summary>
    public required int ConfirmedBullying { get; init; }
    /// <summary>Closed at step 2: no bullying.</summary>
    public required int NotBullying { get; init; }
    /// <summary>Not closed yet (no outcome).</summary>
    public required int Undecided { get; init; }
    public required int EndedAtStep2 { get; init; }
    public required int EndedAtStep5 { get; init; }
    public required int EndedAtStep6 { get; init; }
    public required int EndedAtStep7 { get; init; }
    /// <summary>Step-1 tasks (not cancelled) of the year's cases that had a deadline.</summary>
    public required int Step1Tasks { get; init; }
    /// <summary>Of those, completed at or before their deadline (the same school day).</summary>
    public required int Step1OnTime { get; init; }
    /// <summary>From the signal (reported) to step 1 completed (its first completed step-1 task).</summary>
    public required DurationFigures SignalToStep1 { get; init; }
    /// <summary>From the signal to closing, for the year's cases that are closed.</summary>
    public required DurationFigures SignalToClosing { get; init; }
    /// <summary>Cases per group of the bullied pupil (the pupil's group in the administration now, which
    /// keeps no history); a case with bullied pupils in two groups counts in both. Groups without cases are left out.</summary>
    public required IReadOnlyList<GroupCount> PerGroup { get; init; }
    /// <summary>Cases that name no bullied pupil (role unknown at the signal).</summary>
    public required int WithoutBulliedPupil { get; init; }
    /// <summary>Cases of the school reported before the year's end and not closed by then (for the current year: open now).</summary>
    public required int OpenAtYearEnd { get; init; }
    /// <summary>The year's cases registered in ESIS.</summary>
    public required int RegisteredInEsis { get; init; }

    /// <summary>Share of step-1 tasks done on time, 0–100; null without step-1 tasks.</summary>
    public double? Step1OnTimePercent => Step1Tasks == 0 ? null : Math.Round(100.0 * Step1OnTime / Step1Tasks, 1);
}
