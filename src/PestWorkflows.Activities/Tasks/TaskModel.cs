using System.Text.Json.Serialization;

namespace PestWorkflows.Activities.Tasks;

/// <summary>The kinds of form field a task can ask for. A client that knows nothing of the protocol
/// can render any task form from these.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskFieldType>))]
public enum TaskFieldType { Text, Multiline, Choice, MultiChoice, Bool, Date, DateTime, Number, User, Users, File }

public sealed record TaskOption(string Value, string Label);

/// <summary>One field of a task's form. For <see cref="TaskFieldType.User"/> fields the host fills
/// the options with the school's staff.</summary>
public sealed record TaskField(string Name, string Label, TaskFieldType Type, bool Required = false, IReadOnlyList<TaskOption>? Options = null);

/// <summary>A way to complete a task; the name is the activity's outcome port.</summary>
public sealed record TaskOutcome(string Name, string Label);

/// <summary>Staff roles, as the identity system knows them.</summary>
public static class StaffRoles
{
    public const string Coordinator = "Coordinator";
    public const string Teacher = "Teacher";
    public const string Leader = "Leader";
    public const string Admin = "Admin";
    /// <summary>Not an identity role: the staff member who reported the signal.</summary>
    public const string Reporter = "Reporter";

    public static readonly IReadOnlyList<string> AssignableRoles = [Coordinator, Teacher, Leader, Reporter];
}

/// <summary>Workflow input keys the host sets when it starts a case's instance.</summary>
public static class CaseInput
{
    public const string CaseId = "caseId";
    public const string SchoolId = "schoolId";
    public const string ReporterId = "reporterId";
    public const string SignalAt = "signalAt";
    /// <summary>Pupil ids of the bullies (role Bully), for "a new signal about the same bully".</summary>
    public const string BullyPupilIds = "bullyPupilIds";
}

// ---- effects: what the protocol asks the host to record, in the same transaction as the step ----

/// <summary>A task was handed out.</summary>
public sealed record HumanTaskCreated(
    string TaskId,
    string WorkflowInstanceId,
    string ActivityId,
    string ActivityInstanceId,
    string ActivityType,
    int Step,
    string Title,
    string? Description,
    string? AssigneeUserId,
    string? CandidateRole,
    DateTimeOffset? DueAt,
    DateTimeOffset? FollowUpAt,
    int Priority,
    IReadOnlyList<TaskField> Fields,
    IReadOnlyList<TaskOutcome> Outcomes);

/// <summary>A task was completed with an outcome and what the person filled in (kept with the step,
/// so a crash never keeps the completion and loses the form).</summary>
public sealed record HumanTaskCompleted(string TaskId, string WorkflowInstanceId, string Outcome, string? CompletedBy, System.Text.Json.Nodes.JsonObject Values);

/// <summary>A task is no longer needed (the flow moved on without it).</summary>
public sealed record HumanTaskCancelled(string TaskId, string WorkflowInstanceId, string Reason);

[JsonConverter(typeof(JsonStringEnumConverter<CaseEventKind>))]
public enum CaseEventKind { StepStarted, Reminder, Overdue, NewSignalDuringMonitoring, MonitoringStarted, Closed }

/// <summary>Something the case's timeline shows (Dutch text), and what it means for the case.</summary>
public sealed record CaseEvent(string WorkflowInstanceId, CaseEventKind Kind, string Text, int? Step = null, string? Outcome = null, string? NotifyRole = null);
