namespace PestWorkflows.Host.Cases;

/// <summary>Which cases a list shows; every part is optional and they combine. <see cref="Step"/> means open cases at that step.</summary>
public sealed record CaseFilter(CaseStatus? Status = null, bool OverdueOnly = false, int? Step = null, string? GroupId = null);
