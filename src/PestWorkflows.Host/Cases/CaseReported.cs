namespace PestWorkflows.Host.Cases;

/// <summary>
/// A reported signal, recorded with the first step of its protocol: the case, its pupils and its
/// first timeline line commit in the same transaction as the instance and its first task, so a crash
/// never leaves a case without a running protocol (nor an instance without its case).
/// </summary>
public sealed record CaseReported(Case Case);
