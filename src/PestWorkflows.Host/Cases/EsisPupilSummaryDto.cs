namespace PestWorkflows.Host.Cases;

/// <summary>
/// What goes into one pupil's file in ESIS: that pupil's own role and the case's facts, the other pupils
/// named only as "andere leerling" (each pupil's file is read by their own parents and next schools).
/// </summary>
public sealed record EsisPupilSummaryDto(string PupilId, string Name, string Group, string RoleLabel, string Text);
