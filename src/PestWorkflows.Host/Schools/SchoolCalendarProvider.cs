using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Scheduling;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Schools;

/// <summary>The school's calendar (weekends and its holidays) from its settings.</summary>
public sealed class SchoolCalendarProvider(IServiceScopeFactory scopes) : ISchoolCalendarProvider
{
    public async ValueTask<SchoolCalendar> GetAsync(string? schoolId, CancellationToken ct)
    {
        if (schoolId is null) return SchoolCalendar.Default;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var school = await db.Schools.AsNoTracking().Include(s => s.Holidays).FirstOrDefaultAsync(s => s.Id == schoolId, ct);
        if (school is null) return SchoolCalendar.Default;
        return new SchoolCalendar(
            school.Holidays.Select(h => new SchoolHoliday(h.From, h.To, h.Name)).ToList(),
            SchoolCalendar.FindTimeZone(school.TimeZoneId));
    }
}
