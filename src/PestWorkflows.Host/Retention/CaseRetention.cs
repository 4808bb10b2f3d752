using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Retention;

/// <summary>
/// Removes the personal data of closed cases whose school's retention period has passed
/// (<see cref="School.RetentionYears"/> after <see cref="Case.ClosedAt"/>), everywhere it lives: the
/// signal's text, the pupils' links, the timeline's texts, the tasks' answers, the documents (rows and
/// files), the emails and the workflow instance. What the annual report counts stays: outcome, the step
/// it ended at, the dates, the roles and the pupils' groups at the time, the tasks' steps and times.
/// <para>Crash-safe and idempotent: the engine's part (its own transaction) and the files go first, both
/// safe to repeat; then the host's rows change in one transaction that also marks the case
/// <see cref="Case.AnonymisedAt"/> and writes the audit line. A stop in between leaves the case unmarked,
/// and the next pass does it again.</para>
/// </summary>
public sealed class CaseRetention(
    AppDbContext db, WorkflowInstanceStore instances, WorkflowRuntime runtime, DocumentFiles files, AuditTrail audit, TimeProvider clock, ILogger<CaseRetention> logger)
{
    /// <summary>What an anonymised timeline line says instead of its text; its kind and time stay.</summary>
    public const string AnonymisedText = "Tekst verwijderd na de bewaartermijn.";

    /// <summary>Anonymises every expired closed case of every school; returns how many it anonymised.</summary>
    public async Task<int> AnonymiseExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var schools = await db.Schools.AsNoTracking().Select(s => new { s.Id, s.RetentionYears }).ToListAsync(ct);
        var done = 0;
        foreach (var school in schools)
        {
            var closedBy = RetentionPeriod.ClosedOnOrBefore(now, school.RetentionYears);
            var expired = await db.Cases.AsNoTracking()
                .Where(c => c.SchoolId == school.Id && c.Status == CaseStatus.Closed && c.AnonymisedAt == null && c.ClosedAt != null && c.ClosedAt <= closedBy)
                .Select(c => c.Id).ToListAsync(ct);
            foreach (var caseId in expired)
            {
                try
                {
                    if (await AnonymiseAsync(caseId, ct)) done++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One case that fails must not keep the others past their period; the next pass tries it again.
                    logger.LogError(e, "Anonymising case {CaseId} failed", caseId);
                }
            }
        }
        if (done > 0) logger.LogInformation("Anonymised {Count} cases past their retention period", done);
        return done;
    }

    /// <summary>Anonymises one closed case; false when it is not closed, already anonymised, or its instance still runs.</summary>
    public async Task<bool> AnonymiseAsync(string caseId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (@case is null || @case.Status != CaseStatus.Closed || @case.AnonymisedAt is not null) return false;

        var tenant = SchoolTenant.Of(@case.SchoolId);
        var engine = await instances.AnonymiseAsync(tenant, @case.WorkflowInstanceId, ct);
        if (engine == InstanceAnonymisation.NotFinished)
        {
            // A closed case can leave a branch waiting (an ESIS registration nobody recorded); years after
            // closing nobody will act on it, and the data it holds has to go.
            var cancelled = await runtime.CancelAsync(@case.WorkflowInstanceId, AuditTrail.SystemActor, ct);
            logger.LogInformation("Case {CaseId} was closed with its workflow instance {InstanceId} still waiting; cancelled it: {Outcome}",
                caseId, @case.WorkflowInstanceId, cancelled.Outcome);
            engine = await instances.AnonymiseAsync(tenant, @case.WorkflowInstanceId, ct);
        }
        if (engine == InstanceAnonymisation.NotFinished)
        {
            logger.LogWarning("Case {CaseId} is closed but its workflow instance {InstanceId} still runs; not anonymised", caseId, @case.WorkflowInstanceId);
            return false;
        }

        var documents = await db.Documents.Where(d => d.CaseId == caseId).ToListAsync(ct);
        // Before the rows: a file without a row would be found by nobody, a row without a file is harmless.
        foreach (var document in documents) files.Delete(document.Id);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        @case = await db.Cases.Include(c => c.Pupils).Include(c => c.Timeline).FirstAsync(c => c.Id == caseId, ct);
        @case.Description = "";
        @case.Location = "";
        @case.EsisReference = null; // a pointer to the pupils' own files in ESIS
        foreach (var pupil in @case.Pupils) pupil.PupilId = "";
        foreach (var line in @case.Timeline)
        {
            line.Text = AnonymisedText;
            line.DocumentId = null;
        }

        var tasks = await db.Tasks.Include(t => t.History).Where(t => t.CaseId == caseId).ToListAsync(ct);
        foreach (var task in tasks)
        {
            task.ValuesJson = null;
            task.Description = null;
            // The form's choices can name pupils and parents (who gets the MDO invitation).
            task.FieldsJson = "[]";
            // A reassignment's reason is free text.
            foreach (var entry in task.History) entry.Detail = null;
        }

        db.Documents.RemoveRange(documents);

        var emails = await db.Emails.Include(m => m.AttemptLog).Include(m => m.Attachments).Where(m => m.CaseId == caseId).ToListAsync(ct);
        foreach (var email in emails)
        {
            email.PupilId = null;
            email.To = "";
            email.ToName = null;
            email.ReplyTo = null;
            email.Subject = "";
            email.TextBody = "";
            email.HtmlBody = null;
            email.LastError = null;
            foreach (var attempt in email.AttemptLog) attempt.Error = null;
            db.EmailAttachments.RemoveRange(email.Attachments);
        }

        @case.AnonymisedAt = clock.GetUtcNow();
        audit.Add(db, AuditTrail.SystemActor, @case.SchoolId, AuditActions.CaseAnonymised, AuditResource.Case(caseId));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Case {CaseId} anonymised after its retention period", caseId);
        return true;
    }
}
