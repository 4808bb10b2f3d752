using PestWorkflows.Activities.Scheduling;

namespace PestWorkflows.Activities.Tests;

/// <summary>The same-day rule of protocol.md, in Amsterdam time.</summary>
public sealed class SchoolDeadlineTests
{
    private static readonly TimeOnly FivePm = new(17, 0);
    private static readonly SchoolCalendar Calendar = new(
        [new SchoolHoliday(new DateOnly(2026, 12, 21), new DateOnly(2027, 1, 1), "Kerstvakantie")],
        SchoolCalendar.AmsterdamTime);

    private static DateTimeOffset Amsterdam(int y, int m, int d, int h, int min) =>
        Calendar.AtLocal(new DateOnly(y, m, d), new TimeOnly(h, min));

    [Fact]
    public void Signal_on_Tuesday_morning_is_due_Tuesday_at_five() =>
        Assert.Equal(Amsterdam(2026, 11, 24, 17, 0), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 11, 24, 10, 0), FivePm));

    [Fact]
    public void Signal_after_five_is_due_the_next_school_day() =>
        Assert.Equal(Amsterdam(2026, 11, 25, 17, 0), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 11, 24, 18, 30), FivePm));

    [Fact]
    public void Signal_at_exactly_five_is_due_the_next_school_day() =>
        Assert.Equal(Amsterdam(2026, 11, 25, 17, 0), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 11, 24, 17, 0), FivePm));

    [Fact]
    public void Signal_on_Friday_evening_is_due_Monday_at_five() =>
        Assert.Equal(Amsterdam(2026, 11, 30, 17, 0), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 11, 27, 18, 0), FivePm));

    [Fact]
    public void Signal_on_Sunday_is_due_Monday_at_five() =>
        Assert.Equal(Amsterdam(2026, 11, 30, 17, 0), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 11, 29, 11, 0), FivePm));

    [Fact]
    public void Signal_after_school_on_the_day_before_a_holiday_is_due_after_the_holiday()
    {
        // Friday 18 December after school; the Christmas holiday runs to Friday 1 January.
        Assert.Equal(Amsterdam(2027, 1, 4, 17, 0), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 12, 18, 17, 30), FivePm));
    }

    [Fact]
    public void Signal_during_a_holiday_is_due_on_the_first_school_day_after_it() =>
        Assert.Equal(Amsterdam(2027, 1, 4, 17, 0), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 12, 23, 9, 0), FivePm));

    [Fact]
    public void Around_the_change_to_summer_time_the_deadline_stays_at_five_local()
    {
        // Summer time starts Sunday 29 March 2026: Friday evening is due Monday 17:00 CEST (15:00 UTC).
        var due = Calendar.EndOfSchoolDayFor(Amsterdam(2026, 3, 27, 18, 0), FivePm);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 15, 0, 0, TimeSpan.Zero), due.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(2), due.Offset);
        // The Friday itself was still winter time: 17:00 CET is 16:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 3, 27, 16, 0, 0, TimeSpan.Zero), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 3, 27, 9, 0), FivePm).ToUniversalTime());
    }

    [Fact]
    public void Around_the_change_to_winter_time_the_deadline_stays_at_five_local()
    {
        // Winter time starts Sunday 25 October 2026: Friday 23rd 17:00 CEST is 15:00 UTC, Monday 26th 17:00 CET is 16:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 10, 23, 15, 0, 0, TimeSpan.Zero), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 10, 23, 8, 30), FivePm).ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 16, 0, 0, TimeSpan.Zero), Calendar.EndOfSchoolDayFor(Amsterdam(2026, 10, 23, 20, 0), FivePm).ToUniversalTime());
    }

    [Fact]
    public void A_utc_signal_time_is_read_in_Amsterdam_time()
    {
        // 16:30 UTC on a winter Tuesday is 17:30 in Amsterdam: after the cut-off.
        Assert.Equal(Amsterdam(2026, 11, 25, 17, 0), Calendar.EndOfSchoolDayFor(new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.Zero), FivePm));
    }
}

/// <summary>Checks over every protocol activity class.</summary>
public sealed class ProtocolActivityShapeTests
{
    public static IEnumerable<object[]> TaskActivities() =>
        typeof(PestWorkflows.Activities.ProtocolActivities).Assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && typeof(PestWorkflows.Activities.Tasks.HumanTaskActivity).IsAssignableFrom(t))
            .Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(TaskActivities))]
    public void No_task_form_uses_the_reserved_name_outcome_and_every_label_is_Dutch_text(string name)
    {
        var type = typeof(PestWorkflows.Activities.ProtocolActivities).Assembly.GetExportedTypes().Single(t => t.Name == name);
        var activity = Activator.CreateInstance(type)!;
        var fields = (IReadOnlyList<PestWorkflows.Activities.Tasks.TaskField>)type.GetProperty("Fields", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(activity)!;
        // The completion body is { outcome, ...fields }: a field called "outcome" would be unreachable.
        Assert.DoesNotContain(fields, f => f.Name == "outcome");
        Assert.All(fields, f => Assert.False(string.IsNullOrWhiteSpace(f.Label)));
        var descriptor = PestWorkflows.Engine.Descriptors.ActivityRegistry.Describe(type);
        Assert.StartsWith("Pestprotocol.", descriptor.TypeName);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description));
    }
}

public sealed class BuiltInAmsterdamTimeTests
{
    [Fact]
    public void The_built_in_EU_rule_agrees_with_the_system_time_zone_data()
    {
        var system = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
        var builtIn = SchoolCalendar.BuiltInAmsterdam();
        for (var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero); t < new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.Zero); t = t.AddMinutes(30))
            Assert.Equal(system.GetUtcOffset(t), builtIn.GetUtcOffset(t));
    }
}
