namespace PestWorkflows.Host.Cases;

/// <summary>A pupil as the report form lists them: name and group.</summary>
public sealed record PupilOption(string Id, string Name, string Group);
