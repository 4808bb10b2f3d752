namespace PestWorkflows.Host.Cases;

/// <summary>Which cases a list shows; every part is optional and they combine.</summary>
public sealed record CaseFilter(CaseStatus? Status = null, bool OverdueOnly = false, int? Step = null, string? GroupId = null);
