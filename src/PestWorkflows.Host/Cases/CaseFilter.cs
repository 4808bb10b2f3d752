using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Cases;

/// <summary>Which cases a list shows; every part is optional and they combine. <see cref="Step"/> means open cases at that step;
/// <see cref="SchoolYear"/> the cases reported in that school year; <see cref="EsisPendingOnly"/> the cases that wait for their registration in ESIS
/// (<see cref="CaseService.WaitsForEsis"/>).</summary>
public sealed record CaseFilter(CaseStatus? Status = null, bool OverdueOnly = false, int? Step = null, string? GroupId = null, SchoolYear? SchoolYear = null,
    bool EsisPendingOnly = false);
