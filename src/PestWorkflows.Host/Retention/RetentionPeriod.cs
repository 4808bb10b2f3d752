namespace PestWorkflows.Host.Retention;

/// <summary>The bounds of a school's retention period (<see cref="Schools.School.RetentionYears"/>).</summary>
public static class RetentionPeriod
{
    /// <summary>Two years after closing, the period most school boards' privacy statements name for a pestdossier.</summary>
    public const int DefaultYears = 2;
    public const int MinYears = 1;
    public const int MaxYears = 10;

    public static bool IsValid(int years) => years is >= MinYears and <= MaxYears;

    /// <summary>A case closed at or before this moment has passed the period.</summary>
    public static DateTimeOffset ClosedOnOrBefore(DateTimeOffset now, int years) => now.AddYears(-years);
}
