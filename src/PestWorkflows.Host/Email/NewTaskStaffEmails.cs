using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// A new task of a case: an email (<see cref="StaffEmails"/>) to its assignee, or to everyone with its
/// role at the school, and a timeline line naming exactly who got one; both written in the step's
/// transaction, composed before it. The case exists by then: <see cref="ProtocolEffectHandler"/> prepared
/// it for the step's earlier <see cref="CaseReported"/> effect.
/// </summary>
public sealed class NewTaskStaffEmails(AppDbContextOnConnection appDb, StaffEmails emails, TimeProvider clock) : IStepEffectHandler
{
    public ValueTask ApplyAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
        effect is HumanTaskCreated ? appDb.SaveAsync(step, run, ct) : ValueTask.CompletedTask;

    public async ValueTask PrepareAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct)
    {
        if (effect is not HumanTaskCreated created) return;
        var db = appDb.For(step, run);
        var @case = await CaseOfStep.FindAsync(db, run.State.InstanceId, ct);
        if (@case is null) return; // not a case (a test workflow, the designer's test run)

        var recipients = await StaffEmails.RecipientsAsync(db, @case.SchoolId, created.AssigneeUserId, created.CandidateRole, ct);
        await emails.SendInStepAsync(step, db,
            new StaffNotice(StaffNoticeKind.NewTask, @case.SchoolId, @case.Id, created.TaskId, created.Title, created.DueAt), recipients, run.State.InstanceId, ct);
        db.Timeline.Add(new TimelineEntry
        {
            CaseId = @case.Id, At = clock.GetUtcNow(), Kind = "StaffEmail",
            Text = StaffEmails.EmailedLine(StaffNoticeKind.NewTask, recipients, created.AssigneeUserId is null ? created.CandidateRole : null),
        });
    }
}
