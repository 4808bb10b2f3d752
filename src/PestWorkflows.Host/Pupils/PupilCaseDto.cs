using PestWorkflows.Host.Cases;

namespace PestWorkflows.Host.Pupils;

/// <summary>A case a pupil appears in, with the role they had in it. <see cref="DossierUrl"/> is set
/// only when the viewer may open that dossier.</summary>
public sealed record PupilCaseDto(
    string CaseId,
    PupilRole Role,
    string RoleLabel,
    string Status,
    int CurrentStep,
    string CurrentStepTitle,
    bool IsOverdue,
    DateTimeOffset ReportedAt,
    DateTimeOffset? ClosedAt,
    string? DossierUrl);
