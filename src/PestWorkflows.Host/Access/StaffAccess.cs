using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Access;

/// <summary>
/// <see cref="AccessRules"/> against the database: the lists a staff member may see, and the answer for one
/// resource. Pages and endpoints ask through <c>IAuthorizationService</c> (<see cref="StaffAccessHandler"/>);
/// services that already hold the <see cref="Staff"/> ask here directly.
/// </summary>
public sealed class StaffAccess(AppDbContext db)
{
    public IQueryable<Case> Cases(Staff staff) => db.Cases.Where(AccessRules.CasesVisibleTo(staff, db.Tasks));

    public IQueryable<CaseTask> ActableTasks(Staff staff) => db.Tasks.Where(AccessRules.TasksActableBy(staff));

    public IQueryable<CaseTask> WaitingFor(Staff staff) => db.Tasks.Where(AccessRules.TasksWaitingFor(staff));

    public IQueryable<EmailMessage> CaseEmails(Staff staff) => db.Emails.Where(AccessRules.CaseEmailsVisibleTo(staff, db.Cases));

    public IQueryable<Pupil> PupilRecords(Staff staff) => db.Pupils.Where(AccessRules.PupilRecordsOpenTo(staff, db.Groups));

    public async Task<bool> MayOpenPupilRecordAsync(Staff staff, Pupil pupil, CancellationToken ct) =>
        AccessRules.MayOpenPupilRecord(staff, pupil, await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == pupil.GroupId, ct));

    public async Task<bool> MaySeeCaseAsync(Staff staff, Case @case, CancellationToken ct)
    {
        if (@case.SchoolId != staff.SchoolId) return false;
        if (AccessRules.SeesEveryCaseOfSchool(staff) || @case.ReporterId == staff.Id) return true;
        var parts = await db.Tasks.AsNoTracking().Where(t => t.CaseId == @case.Id)
            .Select(t => new CaseTask { Id = t.Id, CaseId = t.CaseId, AssigneeUserId = t.AssigneeUserId, CompletedByUserId = t.CompletedByUserId })
            .ToListAsync(ct);
        return AccessRules.MaySeeCase(staff, @case, parts);
    }

    public async Task<bool> MaySeeTaskAsync(Staff staff, CaseTask task, CancellationToken ct)
    {
        if (task.SchoolId != staff.SchoolId) return false;
        if (AccessRules.MayActOn(staff, task)) return true;
        var @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == task.CaseId, ct);
        return @case is not null && await MaySeeCaseAsync(staff, @case, ct);
    }

    /// <summary>Whether <paramref name="staff"/> may do <paramref name="operation"/> (one of <see cref="AccessOperations"/>) with the resource.</summary>
    public async Task<bool> MayAsync(Staff staff, OperationAuthorizationRequirement operation, object resource, CancellationToken ct) =>
        (operation.Name, resource) switch
        {
            (nameof(AccessOperations.SeeCase), Case c) => await MaySeeCaseAsync(staff, c, ct),
            (nameof(AccessOperations.SeeCaseEmails), Case c) => AccessRules.MaySeeCaseEmails(staff, c),
            (nameof(AccessOperations.SeeCaseAudit), Case c) => AccessRules.MaySeeCaseAudit(staff, c),
            (nameof(AccessOperations.SeeTask), CaseTask t) => await MaySeeTaskAsync(staff, t, ct),
            (nameof(AccessOperations.ActOnTask), CaseTask t) => AccessRules.MayActOn(staff, t),
            (nameof(AccessOperations.AssignTask), CaseTask t) => AccessRules.MayAssign(staff, t),
            (nameof(AccessOperations.SeePupil), Pupil p) => AccessRules.MaySeePupil(staff, p),
            (nameof(AccessOperations.OpenPupilRecord), Pupil p) => await MayOpenPupilRecordAsync(staff, p, ct),
            (nameof(AccessOperations.SeeAnnualReport), School s) => AccessRules.MaySeeAnnualReport(staff, s),
            (nameof(AccessOperations.ExportPupil), Pupil p) => AccessRules.MayExportPupil(staff, p),
            _ => false,
        };
}
