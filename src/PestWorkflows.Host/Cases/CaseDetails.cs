
namespace PestWorkflows.Host.Cases;

/// <summary>What the case partial shows (pupils, the signal, earlier steps with their notes), on the task page and the dossier.
/// The names of the pupils in <see cref="PupilLinks"/> link to their pupil page.</summary>
public sealed record CaseDetails(CaseDto Case, IReadOnlyDictionary<string, IReadOnlyList<StepNote>> Notes, IReadOnlySet<string>? PupilLinks = null);
