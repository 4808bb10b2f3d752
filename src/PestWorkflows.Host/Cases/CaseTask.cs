using System.Text.Json.Serialization;

namespace PestWorkflows.Host.Cases;

[JsonConverter(typeof(JsonStringEnumConverter<CaseTaskStatus>))]
public enum CaseTaskStatus { Open, Completed, Cancelled }

/// <summary>
/// A step waiting for a person: an open task is a bookmark of the case's workflow instance. Its
/// form and outcomes come from the activity that created it.
/// </summary>
public sealed class CaseTask
{
    public string Id { get; set; } = "";
    public string CaseId { get; set; } = "";
    public string SchoolId { get; set; } = "";
    public string WorkflowInstanceId { get; set; } = "";
    public string ActivityId { get; set; } = "";
    public string ActivityType { get; set; } = "";
    public int Step { get; set; }
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string? AssigneeUserId { get; set; }
    public string? CandidateRole { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? FollowUpAt { get; set; }
    public int Priority { get; set; }
    /// <summary>The form, as the activity declared it (JSON array of TaskField).</summary>
    public string FieldsJson { get; set; } = "[]";
    /// <summary>The outcomes (JSON array of TaskOutcome).</summary>
    public string OutcomesJson { get; set; } = "[]";
    public CaseTaskStatus Status { get; set; }
    public string? Outcome { get; set; }
    public string? ValuesJson { get; set; }
    public string? CompletedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>Concurrency token: claim, assign and complete never overwrite each other.</summary>
    public int Revision { get; set; }
    public List<CaseTaskHistory> History { get; set; } = new();
}

/// <summary>What happened to a task: created, assigned, claimed, released, completed, cancelled.</summary>
public sealed class CaseTaskHistory
{
    public int Id { get; set; }
    public string TaskId { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string Action { get; set; } = "";
    public string? ByUserId { get; set; }
    /// <summary>What the action concerned: the person or role a task was created for; for "Assigned" the
    /// new person or role, a colon and the reason.</summary>
    public string? Detail { get; set; }
}
