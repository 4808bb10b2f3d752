using PestWorkflows.Host.Cases;

namespace PestWorkflows.Host.Pupils;

/// <summary>One timeline line of one of the pupil's cases, in the pupil's chronology.</summary>
public sealed record PupilTimelineDto(string CaseId, DateTimeOffset At, string Kind, string Text, PersonDto? Actor, PupilRole Role);
