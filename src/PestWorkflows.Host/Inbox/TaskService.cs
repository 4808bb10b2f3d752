using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Inbox;

/// <summary>Why a task operation did not happen.</summary>
public enum TaskFailure { None, NotFound, Forbidden, NotOpen, Invalid }

public sealed record TaskOperationResult(TaskFailure Failure, string? Message = null, Dictionary<string, string[]>? Errors = null)
{
    public static readonly TaskOperationResult Ok = new(TaskFailure.None);
}

/// <summary>Reading, claiming, assigning and completing tasks, with the school's access rules (Access/AccessRules).</summary>
public sealed class TaskService(AppDbContext db, StaffAccess access, WorkflowRuntime runtime, WorkflowInstanceStore engineInstances, StaffEmails emails, AuditTrail audit, TimeProvider clock)
{
    /// <summary>Finds a task of the caller's school; another school's task is "not found", not "forbidden".</summary>
    public async Task<CaseTask?> FindAsync(Staff staff, string id, CancellationToken ct) =>
        await db.Tasks.Include(t => t.History).FirstOrDefaultAsync(t => t.Id == id && t.SchoolId == staff.SchoolId, ct);

    /// <summary>The longest text a form field takes (as a signal's description).</summary>
    public const int MaxTextLength = 4000;

    public async Task<TaskOperationResult> CompleteAsync(Staff staff, string taskId, JsonObject? result, CancellationToken ct)
    {
        // Read only: the step completes the task on its own connection, and its history is not needed here.
        var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId && t.SchoolId == staff.SchoolId, ct);
        if (task is null) return new(TaskFailure.NotFound, "Deze taak bestaat niet.");
        if (!AccessRules.MayActOn(staff, task)) return await NotYoursAsync(staff, task, "Deze taak is niet voor jou.", ct);
        if (task.Status != CaseTaskStatus.Open) return new(TaskFailure.NotOpen, "Deze taak is al afgerond.");

        var errors = await ValidateAsync(staff, task, result, ct);
        if (errors.Count > 0) return new(TaskFailure.Invalid, "De taak is niet volledig ingevuld.", errors);

        var values = new JsonObject();
        foreach (var field in Fields(task))
            if (result![field.Name] is { } value) values[field.Name] = value.DeepClone();
        var outcome = (string?)result!["outcome"] ?? Outcomes(task).Single().Name;

        var bookmarkId = await BookmarkIdAsync(SchoolTenant.Of(staff.SchoolId), task.Id, ct);
        if (bookmarkId is null) return new(TaskFailure.NotOpen, "Deze taak is al afgerond.");
        WorkflowRunResult resumed;
        try
        {
            // The values travel in the resume input and are stored by the step itself (HumanTaskCompleted).
            resumed = await runtime.ResumeAsync(SchoolTenant.Of(staff.SchoolId), bookmarkId, new Dictionary<string, JsonNode?>
            {
                [HumanTaskActivity.ResultInputKey] = new JsonObject { ["outcome"] = outcome, ["values"] = values, ["completedBy"] = staff.Id },
            }, staff.Id, ct);
        }
        catch (TaskNotYoursException)
        {
            return new(TaskFailure.Forbidden, "Deze taak is net aan iemand anders gegeven; hij is niet meer voor jou.");
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(TaskFailure.NotOpen, "De taak is intussen door iemand anders gewijzigd; probeer het opnieuw.");
        }
        return resumed.Outcome switch
        {
            RunOutcome.Applied => TaskOperationResult.Ok,
            RunOutcome.Conflict => new(TaskFailure.NotOpen, "Iemand anders heeft deze taak net afgerond."),
            _ => new(TaskFailure.NotOpen, "Deze taak is niet meer open."),
        };
    }

    private Task<string?> BookmarkIdAsync(string tenantId, string taskId, CancellationToken ct) =>
        engineInstances.FindOpenBookmarkIdAsync(tenantId, StimulusHasher.Hash(HumanTaskActivity.TaskBookmarkName, new JsonObject { ["taskId"] = taskId }, null), ct);

    /// <summary>A task one may not do this with: "forbidden" when one may see it, else as if it did not exist.</summary>
    private async Task<TaskOperationResult> NotYoursAsync(Staff staff, CaseTask task, string message, CancellationToken ct) =>
        await access.MaySeeTaskAsync(staff, task, ct) ? new(TaskFailure.Forbidden, message) : new(TaskFailure.NotFound, "Deze taak bestaat niet.");

    /// <summary>Checks the outcome and every field against the task's own form; errors are keyed by field name.</summary>
    private async Task<Dictionary<string, string[]>> ValidateAsync(Staff staff, CaseTask task, JsonObject? result, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (result is null)
        {
            errors["result"] = ["Geef een resultaat met een uitkomst en de velden van de taak."];
            return errors;
        }
        var outcomes = Outcomes(task);
        var outcome = (string?)(result["outcome"] as JsonValue);
        if (outcome is null && outcomes.Count > 1)
            errors["outcome"] = [$"Kies een uitkomst: {string.Join(", ", outcomes.Select(o => o.Name))}."];
        else if (outcome is not null && outcomes.All(o => o.Name != outcome))
            errors["outcome"] = [$"'{outcome}' is geen uitkomst van deze taak; kies uit {string.Join(", ", outcomes.Select(o => o.Name))}."];

        var fields = Fields(task);
        // A person field holds the id of a staff member of this school; only the ids given are looked up.
        var givenStaffIds = fields.Where(f => f.Type is TaskFieldType.User or TaskFieldType.Users)
            .SelectMany(f => result[f.Name] switch
            {
                JsonArray items => items.Select(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => new[] { v.GetValue<string>() },
                _ => Array.Empty<string?>(),
            })
            .OfType<string>().Distinct().ToList();
        IReadOnlyCollection<string> staffIds = givenStaffIds.Count > 0
            ? await db.Users.Where(u => u.SchoolId == staff.SchoolId && givenStaffIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct)
            : [];
        // A file field holds the id of a document uploaded to this case that no task has taken up yet.
        var documentIds = fields.Any(f => f.Type == TaskFieldType.File)
            ? await db.Documents.Where(d => d.CaseId == task.CaseId && d.SchoolId == task.SchoolId && d.TaskId == null).Select(d => d.Id).ToListAsync(ct)
            : [];
        foreach (var field in fields)
        {
            var value = result[field.Name];
            if (value is null || (value is JsonValue s && s.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(s.GetValue<string>())))
            {
                if (field.Required) errors[field.Name] = [$"'{field.Label}' is verplicht."];
                continue;
            }
            var problem = Check(field, value, staffIds, documentIds);
            if (problem is not null) errors[field.Name] = [problem];
        }
        return errors;
    }

    private static string? Check(TaskField field, JsonNode value, IReadOnlyCollection<string> staffIds, IReadOnlyCollection<string> documentIds)
    {
        string? Text() => value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        switch (field.Type)
        {
            case TaskFieldType.Bool:
                return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : $"'{field.Label}' moet ja of nee zijn.";
            case TaskFieldType.Number:
                return value is JsonValue n && n.GetValueKind() == JsonValueKind.Number ? null : $"'{field.Label}' moet een getal zijn.";
            case TaskFieldType.Date:
                return DateOnly.TryParseExact(Text(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : $"'{field.Label}' moet een datum zijn (jjjj-mm-dd).";
            case TaskFieldType.DateTime:
                return DateTimeOffset.TryParse(Text(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : $"'{field.Label}' moet een datum en tijd zijn.";
            case TaskFieldType.Choice:
                return field.Options!.Any(o => o.Value == Text()) ? null : $"Kies voor '{field.Label}' een van: {string.Join(", ", field.Options!.Select(o => o.Value))}.";
            case TaskFieldType.MultiChoice:
                return value is JsonArray items && items.All(i => field.Options!.Any(o => o.Value == (string?)(i as JsonValue)))
                    ? null : $"Kies voor '{field.Label}' uit: {string.Join(", ", field.Options!.Select(o => o.Value))}.";
            case TaskFieldType.User:
                return Text() is { } id && staffIds.Contains(id) ? null : $"'{field.Label}' moet een medewerker van deze school zijn.";
            case TaskFieldType.Users:
                return value is JsonArray users && users.All(u => (string?)(u as JsonValue) is { } uid && staffIds.Contains(uid))
                    ? null : $"'{field.Label}' moet een lijst medewerkers van deze school zijn.";
            case TaskFieldType.File:
                return Text() is { } documentId && documentIds.Contains(documentId)
                    ? null : $"'{field.Label}' moet een document zijn dat voor deze zaak is geüpload en nog bij geen taak hoort.";
            default:
                return Text() switch
                {
                    null => $"'{field.Label}' moet tekst zijn.",
                    { Length: > MaxTextLength } => $"'{field.Label}' is te lang (maximaal {MaxTextLength} tekens).",
                    _ => null,
                };
        }
    }

    public async Task<TaskOperationResult> ClaimAsync(Staff staff, string taskId, CancellationToken ct)
    {
        var task = await FindAsync(staff, taskId, ct);
        if (task is null) return new(TaskFailure.NotFound, "Deze taak bestaat niet.");
        if (!AccessRules.MayActOn(staff, task)) return await NotYoursAsync(staff, task, "Deze taak is niet voor jouw rol.", ct);
        if (task.Status != CaseTaskStatus.Open) return new(TaskFailure.NotOpen, "Deze taak is al afgerond.");
        if (task.AssigneeUserId == staff.Id) return TaskOperationResult.Ok;
        if (task.AssigneeUserId is not null) return new(TaskFailure.NotOpen, "Deze taak is al opgepakt door een collega.");
        return await ChangeAsync(task, staff.Id, task.CandidateRole, "Claimed", staff, null, null, ct);
    }

    public async Task<TaskOperationResult> ReleaseAsync(Staff staff, string taskId, CancellationToken ct)
    {
        var task = await FindAsync(staff, taskId, ct);
        if (task is null) return new(TaskFailure.NotFound, "Deze taak bestaat niet.");
        if (!AccessRules.MayRelease(staff, task))
            return await NotYoursAsync(staff, task, "Je kunt alleen je eigen taken teruggeven. Wil je een taak van een collega anders beleggen? Wijs hem toe, met een reden.", ct);
        if (task.Status != CaseTaskStatus.Open) return new(TaskFailure.NotOpen, "Deze taak is al afgerond.");
        if (task.CandidateRole is null) return new(TaskFailure.Invalid, "Deze taak is persoonlijk toegewezen; wijs hem toe aan een ander.",
            new() { ["role"] = ["Deze taak heeft geen rol om naar terug te gaan."] });
        return await ChangeAsync(task, null, task.CandidateRole, "Released", staff, null, null, ct);
    }

    /// <summary>The longest reason for a reassignment.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>The roles a task can be handed to.</summary>
    public static readonly IReadOnlyList<string> AssignableRoles = [StaffRoles.Coordinator, StaffRoles.Teacher, StaffRoles.Leader];

    /// <summary>
    /// Hands a task to a person or a role (coordinator and leader), always with a reason: it is taken
    /// away from whoever had it, so the task's history and the case's timeline say why.
    /// </summary>
    public async Task<TaskOperationResult> AssignAsync(Staff staff, string taskId, AssignTaskRequest request, CancellationToken ct)
    {
        var task = await FindAsync(staff, taskId, ct);
        if (task is null) return new(TaskFailure.NotFound, "Deze taak bestaat niet.");
        if (!AccessRules.MayAssign(staff, task))
            return await NotYoursAsync(staff, task, "Alleen de anti-pestcoördinator en de directie kunnen taken toewijzen.", ct);
        if (task.Status != CaseTaskStatus.Open) return new(TaskFailure.NotOpen, "Deze taak is al afgerond.");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.UserId) == string.IsNullOrWhiteSpace(request.Role))
            errors["userId"] = ["Kies een medewerker of een rol (niet allebei)."];
        else if (request.UserId is { Length: > 0 } id && !await db.Users.AnyAsync(u => u.Id == id && u.SchoolId == staff.SchoolId, ct))
            errors["userId"] = ["Deze medewerker bestaat niet op deze school."];
        else if (request.Role is { Length: > 0 } asked && !AssignableRoles.Contains(asked))
            errors["role"] = [$"Kies een rol: {string.Join(", ", AssignableRoles)}."];
        if (string.IsNullOrWhiteSpace(request.Reason)) errors["reason"] = ["Geef een reden waarom de taak naar een ander gaat."];
        else if (request.Reason.Trim().Length > MaxReasonLength) errors["reason"] = [$"De reden is te lang (maximaal {MaxReasonLength} tekens)."];
        if (errors.Count > 0)
            return new(TaskFailure.Invalid, errors.ContainsKey("userId") || errors.ContainsKey("role") ? "De taak is niet toegewezen: kies aan wie hij gaat." : "De taak is niet toegewezen: geef een reden.", errors);

        var reason = request.Reason!.Trim();
        var userId = request.UserId is { Length: > 0 } u ? u : null;
        var role = userId is null ? request.Role : null;
        var to = userId is not null
            ? await db.Users.Where(x => x.Id == userId).Select(x => x.DisplayName).FirstAsync(ct)
            : "de rol " + RoleLabels.Dutch(role);

        // The hand-over and the emails about it commit together: no email about an assignment that
        // did not happen, and the timeline names exactly who was emailed. The one handing it over
        // knows already and gets none.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var recipients = (await StaffEmails.RecipientsAsync(db, task.SchoolId, userId, role, ct)).Where(r => r.UserId != staff.Id).ToList();
        var line = $"'{task.Title}' is toegewezen aan {to}. Reden: {reason} {StaffEmails.EmailedLine(StaffNoticeKind.Reassigned, recipients, role)}";
        var changed = await ChangeAsync(task, userId, userId is null ? role : task.CandidateRole, "Assigned", staff, $"{userId ?? role}: {reason}", line, ct);
        if (changed != TaskOperationResult.Ok) return changed;
        await emails.SendAsync(db, new StaffNotice(StaffNoticeKind.Reassigned, task.SchoolId, task.CaseId, task.Id, task.Title, task.DueAt), recipients, ct);
        await transaction.CommitAsync(ct);
        emails.Wake();
        return TaskOperationResult.Ok;
    }

    /// <param name="timeline">A line for the case's timeline, for a change the case's readers should see.</param>
    private async Task<TaskOperationResult> ChangeAsync(CaseTask task, string? assignee, string? role, string action, Staff by, string? detail, string? timeline, CancellationToken ct)
    {
        task.AssigneeUserId = assignee;
        task.CandidateRole = role;
        task.Revision++;
        var now = clock.GetUtcNow();
        db.TaskHistory.Add(new CaseTaskHistory { TaskId = task.Id, At = now, Action = action, ByUserId = by.Id, Detail = detail });
        audit.Add(db, by, action switch
        {
            "Claimed" => AuditActions.TaskClaimed,
            "Released" => AuditActions.TaskReleased,
            _ => AuditActions.TaskAssigned,
        }, AuditResource.Task(task.CaseId, task.Id));
        if (timeline is not null) db.Timeline.Add(new TimelineEntry { CaseId = task.CaseId, At = now, Kind = "TaskAssigned", Text = timeline, ActorUserId = by.Id });
        try
        {
            await db.SaveChangesAsync(ct);
            return TaskOperationResult.Ok;
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(TaskFailure.NotOpen, "De taak is intussen door iemand anders gewijzigd; probeer het opnieuw.");
        }
    }

    private static IReadOnlyList<TaskField> Fields(CaseTask task) => TaskForm.Fields(task);
    private static IReadOnlyList<TaskOutcome> Outcomes(CaseTask task) => TaskForm.Outcomes(task);
}
