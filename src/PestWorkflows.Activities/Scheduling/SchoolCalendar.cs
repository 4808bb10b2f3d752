namespace PestWorkflows.Activities.Scheduling;

/// <summary>A closed range of dates without school (a holiday week, a study day), both ends included.</summary>
public sealed record SchoolHoliday(DateOnly From, DateOnly To, string? Name = null)
{
    public bool Contains(DateOnly date) => date >= From && date <= To;
}

/// <summary>
/// When a school has school: Monday to Friday, except its holidays. Times are the school's local
/// time (Europe/Amsterdam for Dutch schools).
/// </summary>
public sealed class SchoolCalendar(IReadOnlyList<SchoolHoliday> holidays, TimeZoneInfo timeZone)
{
    public const string DefaultTimeZoneId = "Europe/Amsterdam";

    // Declared before Default: static initializers run in textual order.
    public static TimeZoneInfo AmsterdamTime { get; } = FindTimeZone(DefaultTimeZoneId);

    /// <summary>
    /// The system's zone by id. A machine without time zone data still gets Amsterdam right: the EU
    /// rule (summer time from the last Sunday of March to the last Sunday of October) is built in.
    /// </summary>
    public static TimeZoneInfo FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException && id == DefaultTimeZoneId)
        {
            return BuiltInAmsterdam();
        }
    }

    internal static TimeZoneInfo BuiltInAmsterdam()
    {
        var summer = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday));
        return TimeZoneInfo.CreateCustomTimeZone(DefaultTimeZoneId, TimeSpan.FromHours(1), "Amsterdam", "CET", "CEST", [summer]);
    }

    public static SchoolCalendar Default { get; } = new([], AmsterdamTime);

    public IReadOnlyList<SchoolHoliday> Holidays { get; } = holidays;
    public TimeZoneInfo TimeZone { get; } = timeZone;

    public bool IsSchoolDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Holidays.Any(h => h.Contains(date));

    public DateOnly NextSchoolDay(DateOnly after)
    {
        var date = after.AddDays(1);
        // A school year has no holiday longer than a few months; a year is a safe bound.
        for (var i = 0; i < 366 && !IsSchoolDay(date); i++) date = date.AddDays(1);
        return date;
    }

    /// <summary>
    /// The same-day rule: the end of the school day the signal came in, or, after that cut-off or
    /// on a day without school, the end of the next school day.
    /// </summary>
    public DateTimeOffset EndOfSchoolDayFor(DateTimeOffset signalAt, TimeOnly schoolDayEnd)
    {
        var local = TimeZoneInfo.ConvertTime(signalAt, TimeZone);
        var day = DateOnly.FromDateTime(local.DateTime);
        if (!IsSchoolDay(day) || TimeOnly.FromDateTime(local.DateTime) >= schoolDayEnd)
            day = NextSchoolDay(day);
        return AtLocal(day, schoolDayEnd);
    }

    /// <summary>A local wall-clock moment as an instant; the offset follows daylight saving time.</summary>
    public DateTimeOffset AtLocal(DateOnly day, TimeOnly time)
    {
        var wallClock = day.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(wallClock, TimeZone.GetUtcOffset(wallClock));
    }
}

/// <summary>Gives the calendar of a school. The host reads it from the school's settings.</summary>
public interface ISchoolCalendarProvider
{
    ValueTask<SchoolCalendar> GetAsync(string? schoolId, CancellationToken ct);
}

/// <summary>Weekends only, Amsterdam time: for tests and for schools without configured holidays.</summary>
public sealed class DefaultSchoolCalendarProvider : ISchoolCalendarProvider
{
    public ValueTask<SchoolCalendar> GetAsync(string? schoolId, CancellationToken ct) => ValueTask.FromResult(SchoolCalendar.Default);
}
