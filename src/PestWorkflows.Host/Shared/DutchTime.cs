using System.Globalization;
using PestWorkflows.Activities.Scheduling;

namespace PestWorkflows.Host.Shared;

/// <summary>Moments as a person at a Dutch school reads them: local time, "vandaag", "morgen".</summary>
public static class DutchTime
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("nl-NL");

    public static DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, SchoolCalendar.AmsterdamTime).DateTime;

    /// <summary>"vandaag", "morgen" or "op dinsdag 1 december", relative to <paramref name="now"/>.</summary>
    public static string Day(DateTimeOffset at, DateTimeOffset now)
    {
        var days = (Local(at).Date - Local(now).Date).Days;
        return days switch
        {
            0 => "vandaag",
            1 => "morgen",
            -1 => "gisteren",
            _ => "op " + Local(at).ToString("dddd d MMMM", Culture),
        };
    }

    /// <summary>"vandaag vóór 17:00", "op maandag 30 november vóór 17:00".</summary>
    public static string Before(DateTimeOffset due, DateTimeOffset now) => $"{Day(due, now)} vóór {Local(due):HH:mm}";

    /// <summary>"di 24-11-2026 10:00".</summary>
    public static string Short(DateTimeOffset at) => Local(at).ToString("ddd dd-MM-yyyy HH:mm", Culture);

    public static bool IsToday(DateTimeOffset at, DateTimeOffset now) => Local(at).Date == Local(now).Date;

    /// <summary>A <c>datetime-local</c> field's value (local school time) as a moment; null when it is no date and time.</summary>
    public static DateTimeOffset? ParseLocal(string? value)
    {
        if (!DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return null;
        var zone = SchoolCalendar.AmsterdamTime;
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>A moment as a <c>datetime-local</c> field's value.</summary>
    public static string ToLocalInput(DateTimeOffset at) => Local(at).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}
