namespace PestWorkflows.Host.Cases;

public sealed record ReportSignalRequest(
    string? Description,
    DateTimeOffset? ObservedAt,
    string? Location,
    bool? BoundaryCrossed,
    List<ReportedPupil>? Pupils);

public sealed record ReportedPupil(string? PupilId, PupilRole? Role);

public sealed record PersonDto(string Id, string Name);

public sealed record CasePupilDto(string PupilId, string Name, string Group, PupilRole Role, string RoleLabel);

/// <summary>One line of the timeline; <c>document</c> when the line is about a document a step added.</summary>
public sealed record TimelineDto(DateTimeOffset At, string Kind, string Text, PersonDto? Actor, Documents.CaseDocumentDto? Document = null);

public sealed record CaseSummaryDto(
    string Id,
    string Status,
    int CurrentStep,
    string CurrentStepTitle,
    bool IsOverdue,
    string? Outcome,
    DateTimeOffset ReportedAt,
    DateTimeOffset ObservedAt,
    PersonDto Reporter,
    IReadOnlyList<CasePupilDto> Pupils);

public sealed record CaseDto(
    string Id,
    string Status,
    int CurrentStep,
    string CurrentStepTitle,
    bool IsOverdue,
    string? Outcome,
    int? EndedAtStep,
    string? EsisReference,
    DateTimeOffset? EsisRegisteredAt,
    string Description,
    DateTimeOffset ObservedAt,
    string Location,
    bool BoundaryCrossed,
    DateTimeOffset ReportedAt,
    DateTimeOffset? ClosedAt,
    PersonDto Reporter,
    string WorkflowInstanceId,
    /// <summary>The version of the school's protocol this case runs on (a published change reaches new cases only).</summary>
    int? ProtocolVersion,
    /// <summary>The case's flow in the designer's instance viewer; only for those who may open the designer.</summary>
    string? FlowUrl,
    IReadOnlyList<CasePupilDto> Pupils,
    IReadOnlyList<TaskDto> OpenTasks,
    IReadOnlyList<TaskDto> DoneTasks,
    IReadOnlyList<TimelineDto> Timeline);
