namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>A line of the case's timeline, other pupils' names replaced.</summary>
public sealed record ExportedTimelineLine(DateTimeOffset At, string Kind, string Text);
