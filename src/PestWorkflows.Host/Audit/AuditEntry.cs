namespace PestWorkflows.Host.Audit;

/// <summary>
/// One line of the audit trail: who did what with which record, when and from where. Ids only, never
/// names or text, so deleting a person's or a case's data never needs to touch the trail. The table
/// refuses UPDATE and DELETE (database triggers, migration AuditTrail).
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Increasing in the order rows were written: the trail's order.</summary>
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The staff member's account id; null for an attempt without a known account.</summary>
    public string? UserId { get; set; }
    public string? SchoolId { get; set; }
    /// <summary>A stable code from <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }
    /// <summary>The case the record belongs to, when it belongs to one (the case's audit page reads by it).</summary>
    public string? CaseId { get; set; }
    /// <summary>What kind of record: <see cref="AuditResource"/>'s kinds.</summary>
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    /// <summary>The client's IP address as the host saw it; null outside a request.</summary>
    public string? ClientAddress { get; set; }
}
