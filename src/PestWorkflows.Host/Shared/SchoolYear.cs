using System.Globalization;
using PestWorkflows.Activities.Scheduling;

namespace PestWorkflows.Host.Shared;

/// <summary>
/// A Dutch school year: 1 August 00:00 to 31 July 24:00, Amsterdam time, written "2026-2027".
/// Its bounds are UTC moments, so a filter on a stored UTC moment runs in the database.
/// </summary>
public readonly record struct SchoolYear(int StartYear)
{
    /// <summary>The first moment of the year: midnight at the start of 1 August in Amsterdam (summer time, so 22:00 UTC on 31 July).</summary>
    public DateTimeOffset StartUtc => AmsterdamMidnight(new DateTime(StartYear, 8, 1));

    /// <summary>The first moment of the next school year (exclusive end).</summary>
    public DateTimeOffset EndUtc => AmsterdamMidnight(new DateTime(StartYear + 1, 8, 1));

    public bool Contains(DateTimeOffset at) => at >= StartUtc && at < EndUtc;

    public SchoolYear Previous => new(StartYear - 1);

    /// <summary>The school year a moment falls in, by the Amsterdam date.</summary>
    public static SchoolYear Of(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, SchoolCalendar.AmsterdamTime);
        return new SchoolYear(local.Month >= 8 ? local.Year : local.Year - 1);
    }

    /// <summary>"2026-2027"; anything else (also "2026-2028") is no school year.</summary>
    public static bool TryParse(string? text, out SchoolYear year)
    {
        year = default;
        var parts = text?.Trim().Split('-');
        if (parts is not [var first, var second]
            || !int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !int.TryParse(second, NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            || first.Length != 4 || second.Length != 4 || end != start + 1 || start < 1900 || start > 9998)
            return false;
        year = new SchoolYear(start);
        return true;
    }

    public override string ToString() => $"{StartYear:D4}-{StartYear + 1:D4}";

    private static DateTimeOffset AmsterdamMidnight(DateTime localDate)
    {
        var offset = SchoolCalendar.AmsterdamTime.GetUtcOffset(localDate);
        return new DateTimeOffset(localDate, offset).ToUniversalTime();
    }
}
