using System.Linq.Expressions;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;

namespace PestWorkflows.Host.Access;

/// <summary>
/// Who may see and do what, in one place. Each rule exists twice: for one resource (the
/// authorization handler, <see cref="StaffAccessHandler"/>) and as a filter for lists in the database;
/// AccessRulesAgreementTests checks that both give the same answer.
/// <list type="bullet">
/// <item><b>Another school</b>: nothing of another school exists for anyone (404, never 403).</item>
/// <item><b>SeeCase</b>: the anti-pest coordinator, the leader (directie) and the admin see every case of
/// their school. Anyone else sees a case they reported, or in which a task is assigned to them now or
/// was completed by them. A task offered to one's role gives no sight of the case until one claims it;
/// a task handed to someone else takes the sight away again (need to know).</item>
/// <item><b>ActOnTask</b> (claim, complete): the person the task is assigned to; anyone of the task's role while
/// it is unassigned; the coordinator, who runs the protocol, every task of the school. Whether the
/// task is still open is the task's state, not a right: acting on a closed one is a conflict (409).</item>
/// <item><b>SeeTask</b>: who may act on it, or may see its case.</item>
/// <item><b>AssignTask</b> (hand to a person or a role, with a reason): the coordinator and the leader. Not the
/// admin: that account keeps the school's data in order and does not steer a case.</item>
/// <item><b>Release</b> (give back to the role, no reason): only the person it is assigned to. Taking a task
/// away from a colleague is a reassignment, which needs a reason.</item>
/// <item><b>SeeCaseEmails</b> (the emails of a case with their text and attempts, and resending a failed one): the
/// coordinator, the leader and the admin of the case's school. Not a teacher, even one who sees the case: parents'
/// emails name parents and their addresses.</item>
/// <item><b>ImportPupils</b> (read the administration's export of pupils and parents): the coordinator and the admin of the school.</item>
/// <item><b>SeeCaseAudit</b> (who read and changed what in a case): the coordinator and the leader of the case's school,
/// who answer for the dossier. Not the admin, nor a teacher who sees the case.</item>
/// <item><b>ManageSchoolSettings</b> (the retention period): the admin of the school.</item>
/// <item><b>ExportPupil</b> (an access request, AVG art. 15: everything about one pupil as a download): the coordinator
/// and the leader of the pupil's school, who answer such a request. Not the admin, nor a teacher.</item>
/// <item><b>SeePupil</b>: any staff member of the pupil's school (a signal names pupils).</item>
/// <item><b>OpenPupilRecord</b> (the pupil's chronology across all cases): the coordinator, the leader and the admin
/// for every pupil of their school; a teacher for the pupils of the groups they teach.</item>
/// <item><b>SeeAnnualReport</b> (a school's jaarevaluatie: counts, no names): the coordinator and the leader of the
/// school, and the admin, who sees every school of the board (<see cref="MaySeeBoardReport"/>).</item>
/// </list>
/// </summary>
public static class AccessRules
{
    public static bool SeesEveryCaseOfSchool(Staff staff) => staff.IsCoordinator || staff.IsLeader || staff.IsAdmin;

    public static bool MaySeeCase(Staff staff, Case @case, IEnumerable<CaseTask> tasksOfCase) =>
        @case.SchoolId == staff.SchoolId
        && (SeesEveryCaseOfSchool(staff)
            || @case.ReporterId == staff.Id
            || tasksOfCase.Any(t => t.CaseId == @case.Id && (t.AssigneeUserId == staff.Id || t.CompletedByUserId == staff.Id)));

    /// <summary><see cref="MaySeeCase"/> as a filter; <paramref name="tasks"/> is the task table of the same query.</summary>
    public static Expression<Func<Case, bool>> CasesVisibleTo(Staff staff, IQueryable<CaseTask> tasks)
    {
        var (id, school) = (staff.Id, staff.SchoolId);
        if (SeesEveryCaseOfSchool(staff)) return c => c.SchoolId == school;
        // "Case id among my tasks' case ids" lets SQLite answer from the task indexes on assignee and
        // completer, instead of probing every task row of every case of the school.
        return c => c.SchoolId == school
            && (c.ReporterId == id || tasks.Where(t => t.AssigneeUserId == id || t.CompletedByUserId == id).Select(t => t.CaseId).Contains(c.Id));
    }

    public static bool MaySeeCaseEmails(Staff staff, Case @case) => @case.SchoolId == staff.SchoolId && SeesEveryCaseOfSchool(staff);

    /// <summary><see cref="MaySeeCaseEmails"/> as a filter on emails; <paramref name="cases"/> is the case table of the same query.
    /// The school is the case's, not the email's own column: an email counts as the case's only through its case.</summary>
    public static Expression<Func<EmailMessage, bool>> CaseEmailsVisibleTo(Staff staff, IQueryable<Case> cases)
    {
        var school = staff.SchoolId;
        if (!SeesEveryCaseOfSchool(staff)) return e => false;
        return e => e.CaseId != null && cases.Any(c => c.Id == e.CaseId && c.SchoolId == school);
    }

    public static bool SeesCaseAudits(Staff staff) => staff.IsCoordinator || staff.IsLeader;

    public static bool MaySeeCaseAudit(Staff staff, Case @case) => @case.SchoolId == staff.SchoolId && SeesCaseAudits(staff);

    public static bool MayActOn(Staff staff, CaseTask task) =>
        task.SchoolId == staff.SchoolId
        && (staff.IsCoordinator
            || task.AssigneeUserId == staff.Id
            || (task.AssigneeUserId == null && task.CandidateRole != null && staff.Roles.Contains(task.CandidateRole)));

    /// <summary><see cref="MayActOn"/> as a filter.</summary>
    public static Expression<Func<CaseTask, bool>> TasksActableBy(Staff staff)
    {
        var (id, school, roles) = (staff.Id, staff.SchoolId, staff.Roles.ToList());
        if (staff.IsCoordinator) return t => t.SchoolId == school;
        return t => t.SchoolId == school
            && (t.AssigneeUserId == id || (t.AssigneeUserId == null && t.CandidateRole != null && roles.Contains(t.CandidateRole)));
    }

    /// <summary>
    /// The open tasks waiting for this person (the inbox's first view and the count in the menu):
    /// assigned to them, or unassigned for one of their roles. A subset of <see cref="TasksActableBy"/>:
    /// the coordinator may act on every task but is not asked to.
    /// </summary>
    public static Expression<Func<CaseTask, bool>> TasksWaitingFor(Staff staff)
    {
        var (id, school, roles) = (staff.Id, staff.SchoolId, staff.Roles.ToList());
        return t => t.SchoolId == school && t.Status == CaseTaskStatus.Open
            && (t.AssigneeUserId == id || (t.AssigneeUserId == null && t.CandidateRole != null && roles.Contains(t.CandidateRole)));
    }

    public static bool MayAssignTasks(Staff staff) => staff.IsCoordinator || staff.IsLeader;

    public static bool MayAssign(Staff staff, CaseTask task) => task.SchoolId == staff.SchoolId && MayAssignTasks(staff);

    public static bool MayRelease(Staff staff, CaseTask task) => task.SchoolId == staff.SchoolId && task.AssigneeUserId == staff.Id;

    public static bool MayImportPupils(Staff staff) => staff.IsCoordinator || staff.IsAdmin;

    /// <summary>The school's settings (the retention period): the admin, who keeps the school's data in order.</summary>
    public static bool MayManageSchoolSettings(Staff staff) => staff.IsAdmin;

    /// <summary>An access request (AVG art. 15): everything about one pupil, for the coordinator and the leader of the pupil's school.</summary>
    public static bool MayExportPupil(Staff staff, Pupil pupil) => pupil.SchoolId == staff.SchoolId && AnswersAccessRequests(staff);

    public static bool AnswersAccessRequests(Staff staff) => staff.IsCoordinator || staff.IsLeader;

    public static bool MaySeePupil(Staff staff, Pupil pupil) => pupil.SchoolId == staff.SchoolId;

    public static bool MayOpenPupilRecord(Staff staff, Pupil pupil, Group? groupOfPupil) =>
        pupil.SchoolId == staff.SchoolId
        && (SeesEveryCaseOfSchool(staff) || (groupOfPupil is not null && groupOfPupil.Id == pupil.GroupId && groupOfPupil.TeacherUserId == staff.Id));

    /// <summary><see cref="MayOpenPupilRecord"/> as a filter; <paramref name="groups"/> is the group table of the same query.</summary>
    public static Expression<Func<Pupil, bool>> PupilRecordsOpenTo(Staff staff, IQueryable<Group> groups)
    {
        var (id, school) = (staff.Id, staff.SchoolId);
        if (SeesEveryCaseOfSchool(staff)) return p => p.SchoolId == school;
        return p => p.SchoolId == school && groups.Any(g => g.Id == p.GroupId && g.TeacherUserId == id);
    }

    public static bool MaySeeAnnualReport(Staff staff, School school) =>
        ((staff.IsCoordinator || staff.IsLeader) && school.Id == staff.SchoolId) || MaySeeBoardReport(staff);

    /// <summary>
    /// The board view: every school's figures side by side. An account belongs to one school, and one database
    /// holds one board (bestuur), so "admin of the board" is an admin of any of its schools: they see every school's
    /// figures (counts only; the cases themselves stay within their own school).
    /// </summary>
    public static bool MaySeeBoardReport(Staff staff) => staff.IsAdmin;
}
