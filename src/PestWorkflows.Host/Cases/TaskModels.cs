namespace PestWorkflows.Host.Cases;

public sealed record TaskOptionDto(string Value, string Label);

/// <summary>A form field; <c>type</c> is one of text, multiline, choice, multichoice, bool, date,
/// datetime, number, user, users, file.</summary>
public sealed record TaskFieldDto(string Name, string Label, string Type, bool Required, IReadOnlyList<TaskOptionDto>? Options);

public sealed record TaskOutcomeDto(string Name, string Label);

public sealed record TaskHistoryDto(DateTimeOffset At, string Action, PersonDto? By, string? Detail);

/// <summary>Everything a client needs to show and complete a task without knowing the protocol.</summary>
public sealed record TaskDto(
    string Id,
    string CaseId,
    string Title,
    string? Description,
    string ActivityType,
    int Step,
    string Status,
    PersonDto? Assignee,
    string? Role,
    DateTimeOffset? DueAt,
    DateTimeOffset? FollowUpAt,
    bool IsOverdue,
    int Priority,
    IReadOnlyList<TaskOutcomeDto> Outcomes,
    IReadOnlyList<TaskFieldDto> Fields,
    string? Outcome,
    PersonDto? CompletedBy,
    DateTimeOffset? CompletedAt,
    /// <summary>The ESIS task's text of the case, without pupils' names.</summary>
    string? Summary,
    IReadOnlyList<TaskHistoryDto> History,
    /// <summary>The ESIS task's text per pupil, for that pupil's own file (<see cref="EsisSummary"/>).</summary>
    IReadOnlyList<EsisPupilSummaryDto>? PupilSummaries = null);

/// <summary>Hand a task to a person (<c>userId</c>) or a role (<c>role</c>); <c>reason</c> is required.</summary>
public sealed record AssignTaskRequest(string? UserId, string? Role, string? Reason);
