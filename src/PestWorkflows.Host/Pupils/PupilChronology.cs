namespace PestWorkflows.Host.Pupils;

/// <summary>One pupil across all their cases: the cases newest first, and every timeline line of
/// those cases in one chronology, oldest first (as a dossier's timeline reads).</summary>
public sealed record PupilChronology(
    string Id,
    string Name,
    string GroupId,
    string Group,
    IReadOnlyList<PupilCaseDto> Cases,
    IReadOnlyList<PupilTimelineDto> Timeline);
