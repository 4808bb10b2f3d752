using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Scheduling;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Inbox;

/// <summary>
/// "Mijn taken": open tasks by filter, filtered, sorted and paged in the database (a school can have
/// thousands of open tasks). The same for the page and for <c>GET /api/tasks</c>.
/// </summary>
public sealed class InboxService(AppDbContext db, StaffAccess access, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    /// <summary>Whether the person gets the view of all open tasks of the school: those who may hand them out.</summary>
    public static bool SeesAllOpen(Staff staff) => AccessRules.MayAssignTasks(staff);

    public IQueryable<CaseTask> Query(Staff staff, InboxView view)
    {
        var (id, school, roles) = (staff.Id, staff.SchoolId, staff.Roles.ToList());
        var now = clock.GetUtcNow();
        // Overdue and due today look over everything the person is shown at most.
        var widest = SeesAllOpen(staff) ? db.Tasks.Where(t => t.SchoolId == school && t.Status == CaseTaskStatus.Open) : access.WaitingFor(staff);
        switch (view)
        {
            case InboxView.Mine:
                return access.WaitingFor(staff).Where(t => t.AssigneeUserId == id);
            case InboxView.Role:
                return access.WaitingFor(staff).Where(t => t.AssigneeUserId == null && t.CandidateRole != null && roles.Contains(t.CandidateRole));
            case InboxView.Overdue:
                return widest.Where(t => t.DueAt != null && t.DueAt <= now);
            case InboxView.DueToday:
                var endOfToday = EndOfDay(now);
                return widest.Where(t => t.DueAt != null && t.DueAt > now && t.DueAt < endOfToday);
            case InboxView.All:
                return widest;
            default:
                return access.WaitingFor(staff);
        }
    }

    public async Task<InboxPage> PageAsync(Staff staff, InboxView view, int page, int pageSize, CancellationToken ct)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = Query(staff, view);
        var total = await query.CountAsync(ct);
        var items = await query.AsNoTracking().Include(t => t.History)
            .OrderBy(t => t.DueAt == null).ThenBy(t => t.DueAt).ThenByDescending(t => t.Priority).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new InboxPage(items, total, page, pageSize);
    }

    /// <summary>The open tasks waiting for the person: the count in the menu.</summary>
    public Task<int> CountWaitingAsync(Staff staff, CancellationToken ct) => access.WaitingFor(staff).CountAsync(ct);

    /// <summary>Midnight after <paramref name="now"/> at the schools (Amsterdam time).</summary>
    private static DateTimeOffset EndOfDay(DateTimeOffset now)
    {
        var zone = SchoolCalendar.AmsterdamTime;
        var midnight = TimeZoneInfo.ConvertTime(now, zone).Date.AddDays(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}
