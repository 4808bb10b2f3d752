using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// A step's deadline alerts (step 1's reminder to the coordinators, the overdue alert to the leaders):
/// an email to each person with the role the activity names, in the step's transaction, and the words
/// the timeline line adds about who was emailed, from the same list.
/// </summary>
public sealed class DeadlineAlerts(StaffEmails emails, TimeProvider clock)
{
    /// <summary>
    /// Emails the people of <see cref="CaseEvent.NotifyRole"/> about the case's open task of the event's
    /// step; answers the sentence for the timeline, or null when the event alerts nobody.
    /// </summary>
    public async Task<string?> SendInStepAsync(WorkflowDbContext step, AppDbContext db, Case @case, CaseEvent alert, CancellationToken ct)
    {
        var kind = alert.Kind switch
        {
            CaseEventKind.Reminder => StaffNoticeKind.Reminder,
            CaseEventKind.Overdue => StaffNoticeKind.Overdue,
            _ => (StaffNoticeKind?)null,
        };
        if (kind is null || alert.NotifyRole is null || alert.Step is null) return null;
        var task = await db.Tasks.Where(t => t.CaseId == @case.Id && t.Step == alert.Step && t.Status == CaseTaskStatus.Open)
            .OrderByDescending(t => t.CreatedAt).Select(t => new { t.Id, t.Title, t.DueAt }).FirstOrDefaultAsync(ct);
        if (task is null) return null; // the step's task is gone; nothing to link to, nobody emailed

        // A reminder that fires only after the deadline (no host ran at the time) would say the deadline
        // is near when it has passed; the overdue alert of the same moment says what is true.
        if (kind == StaffNoticeKind.Reminder && task.DueAt <= clock.GetUtcNow())
            return StaffEmails.LateReminderLine;

        var recipients = await StaffEmails.RecipientsAsync(db, @case.SchoolId, userId: null, alert.NotifyRole, ct);
        await emails.SendInStepAsync(step, db, new StaffNotice(kind.Value, @case.SchoolId, @case.Id, task.Id, task.Title, task.DueAt), recipients, @case.WorkflowInstanceId, ct);
        return StaffEmails.EmailedLine(kind.Value, recipients, alert.NotifyRole);
    }
}
