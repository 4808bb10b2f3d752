using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// Turns what the protocol's activities ask for into case and task rows, written in the step's own
/// transaction: a task exists exactly when its bookmark does. The rows are prepared before the
/// transaction (the reads, the checks) and written inside it.
/// </summary>
public sealed class ProtocolEffectHandler(AppDbContextOnConnection appDb, DeadlineAlerts alerts, AuditTrail audit, TimeProvider clock) : IStepEffectHandler
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static bool IsOurs(object effect) => effect is CaseReported or HumanTaskCreated or HumanTaskCompleted or HumanTaskCancelled or CaseEvent;

    public ValueTask ApplyAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
        IsOurs(effect) ? appDb.SaveAsync(step, run, ct) : ValueTask.CompletedTask;

    public async ValueTask PrepareAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct)
    {
        if (!IsOurs(effect)) return;
        var db = appDb.For(step, run);
        if (effect is CaseReported reported)
        {
            db.Cases.Add(reported.Case);
            audit.Add(db, reported.Case.ReporterId, reported.Case.SchoolId, AuditActions.SignalReported, AuditResource.Case(reported.Case.Id));
            return;
        }
        var @case = await CaseOfStep.FindAsync(db, run.State.InstanceId, ct);
        if (@case is null) return; // an instance that is not a case (a test workflow, the designer's test run)
        var now = clock.GetUtcNow();

        switch (effect)
        {
            case HumanTaskCreated created:
                db.Tasks.Add(new CaseTask
                {
                    Id = created.TaskId,
                    CaseId = @case.Id,
                    SchoolId = @case.SchoolId,
                    WorkflowInstanceId = created.WorkflowInstanceId,
                    ActivityId = created.ActivityId,
                    ActivityType = created.ActivityType,
                    Step = created.Step,
                    Title = created.Title,
                    Description = created.Description,
                    AssigneeUserId = created.AssigneeUserId,
                    CandidateRole = created.CandidateRole,
                    DueAt = created.DueAt,
                    FollowUpAt = created.FollowUpAt,
                    Priority = created.Priority,
                    FieldsJson = JsonSerializer.Serialize(created.Fields, Json),
                    OutcomesJson = JsonSerializer.Serialize(created.Outcomes, Json),
                    Status = CaseTaskStatus.Open,
                    CreatedAt = now,
                    History = [new CaseTaskHistory { At = now, Action = "Created", Detail = created.AssigneeUserId ?? created.CandidateRole }],
                });
                if (created.ActivityType != EsisSummary.ActivityType)
                {
                    @case.CurrentStep = created.Step;
                    @case.CurrentStepTitle = created.Title;
                }
                break;

            case HumanTaskCompleted completed:
                var task = await db.Tasks.FirstAsync(t => t.Id == completed.TaskId, ct);
                // Checked again as the step is prepared: a task handed to someone else a moment ago is
                // no longer this person's. The task's revision (a concurrency token) makes a hand-over
                // that commits after this check, before the step does, fail the step as well.
                if (completed.CompletedBy is { } by && !await MayCompleteAsync(db, task, by, ct))
                    throw new TaskNotYoursException(task.Id);
                task.ValuesJson = completed.Values.ToJsonString();
                task.Status = CaseTaskStatus.Completed;
                task.Outcome = completed.Outcome;
                task.CompletedAt = now;
                task.CompletedByUserId = completed.CompletedBy;
                task.Revision++;
                db.TaskHistory.Add(new CaseTaskHistory { TaskId = task.Id, At = now, Action = "Completed", ByUserId = completed.CompletedBy, Detail = completed.Outcome });
                audit.Add(db, completed.CompletedBy, task.SchoolId, AuditActions.TaskCompleted, AuditResource.Task(@case.Id, task.Id));
                var outcomes = JsonSerializer.Deserialize<List<TaskOutcome>>(task.OutcomesJson, Json)!;
                var text = outcomes.Count > 1
                    ? $"{task.Title}: {outcomes.FirstOrDefault(o => o.Name == completed.Outcome)?.Label ?? completed.Outcome}."
                    : $"{task.Title}: afgerond.";
                db.Timeline.Add(new TimelineEntry { CaseId = @case.Id, At = now, Kind = "TaskCompleted", Text = text, ActorUserId = completed.CompletedBy });
                await LinkDocumentsAsync(db, @case, task, completed, now, ct);
                if (task.Step == 1) @case.IsOverdue = false;
                if (task.ActivityType == EsisSummary.ActivityType && completed.Values["esisReference"]?.GetValue<string>() is { Length: > 0 } reference)
                {
                    @case.EsisReference = reference.Trim();
                    @case.EsisRegisteredAt = now;
                }
                break;

            case HumanTaskCancelled cancelled:
                // A task this very step created is not in the database yet.
                var open = db.Tasks.Local.FirstOrDefault(t => t.Id == cancelled.TaskId)
                    ?? await db.Tasks.FirstOrDefaultAsync(t => t.Id == cancelled.TaskId, ct);
                if (open is null) break;
                open.Status = CaseTaskStatus.Cancelled;
                open.CompletedAt = now;
                open.Revision++;
                db.TaskHistory.Add(new CaseTaskHistory { TaskId = open.Id, At = now, Action = "Cancelled", Detail = cancelled.Reason });
                break;

            case CaseEvent caseEvent:
                // The line names exactly the people an alert email was written for, in this transaction.
                var emailed = await alerts.SendInStepAsync(step, db, @case, caseEvent, ct);
                db.Timeline.Add(new TimelineEntry { CaseId = @case.Id, At = now, Kind = caseEvent.Kind.ToString(), Text = emailed is null ? caseEvent.Text : $"{caseEvent.Text} {emailed}", ActorUserId = run.Actor });
                switch (caseEvent.Kind)
                {
                    case CaseEventKind.Overdue:
                        @case.IsOverdue = true;
                        break;
                    case CaseEventKind.Closed:
                        @case.Status = CaseStatus.Closed;
                        // An outcome the designer typed that the protocol does not know stays empty
                        // rather than failing the closing step.
                        @case.Outcome = Enum.TryParse<CaseOutcome>(caseEvent.Outcome, out var outcome) ? outcome : null;
                        // Monitoring after step 6 is a step-5 task again, so the furthest step done counts.
                        // A task completed in this very step is completed in the context only, not yet in the database.
                        var stored = await db.Tasks.Where(t => t.CaseId == @case.Id && t.Status == CaseTaskStatus.Completed).MaxAsync(t => (int?)t.Step, ct);
                        var thisStep = db.Tasks.Local.Where(t => t.CaseId == @case.Id && t.Status == CaseTaskStatus.Completed).Max(t => (int?)t.Step);
                        @case.EndedAtStep = Math.Max(@case.CurrentStep, Math.Max(stored ?? 0, thisStep ?? 0));
                        @case.ClosedAt = now;
                        @case.IsOverdue = false;
                        @case.CurrentStepTitle = "Afgesloten";
                        break;
                    case CaseEventKind.MonitoringStarted:
                        @case.CurrentStepTitle = "Gedrag volgen";
                        break;
                }
                break;
        }
    }

    /// <summary>
    /// The documents the form's file fields name (uploaded before the step) become the task's, with
    /// a timeline line each; if the step fails, they stay unlinked and are removed as orphans.
    /// </summary>
    private static async Task LinkDocumentsAsync(AppDbContext db, Case @case, CaseTask task, HumanTaskCompleted completed, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var field in JsonSerializer.Deserialize<List<TaskField>>(task.FieldsJson, Json)!.Where(f => f.Type == TaskFieldType.File))
        {
            if (completed.Values[field.Name] is not JsonValue value || value.GetValueKind() != JsonValueKind.String) continue;
            var id = value.GetValue<string>();
            var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == id && d.CaseId == @case.Id && d.TaskId == null, ct)
                // Checked by the task's validation; gone now only if removed as an orphan meanwhile.
                ?? throw new InvalidOperationException($"Document {id} of task {task.Id} is no longer there to link.");
            document.TaskId = task.Id;
            document.FieldName = field.Name;
            db.Timeline.Add(new TimelineEntry
            {
                CaseId = @case.Id, At = now, Kind = "Document", ActorUserId = completed.CompletedBy, DocumentId = document.Id,
                Text = $"{field.Label} toegevoegd: {document.FileName}.",
            });
        }
    }

    private static async Task<bool> MayCompleteAsync(AppDbContext db, CaseTask task, string userId, CancellationToken ct) =>
        await Identity.StaffAccessor.LoadAsync(db, userId, securityStamp: null, ct) is { } staff && Access.AccessRules.MayActOn(staff, task);
}
