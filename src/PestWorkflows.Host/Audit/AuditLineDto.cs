using PestWorkflows.Host.Cases;

namespace PestWorkflows.Host.Audit;

/// <summary>One line of a case's audit as the API and the page show it: the staff member's name looked up now.</summary>
public sealed record AuditLineDto(long Id, DateTimeOffset At, string Action, string ActionLabel, PersonDto? By,
    string ResourceType, string ResourceId, string? ClientAddress);
