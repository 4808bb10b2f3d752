namespace PestWorkflows.Host.Import;

/// <summary>Why a line of the file cannot be imported (Dutch, for the person who exported it). Line 1 is the header.</summary>
public sealed record PupilImportProblem(int Line, string Reason);
