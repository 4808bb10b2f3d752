
namespace PestWorkflows.Host.Designer;

/// <summary>
/// Answer of <c>GET /workflow-instances/{id}/execution-state</c>, which the viewer polls. The field is
/// <c>workflowSubStatus</c> (not <c>subStatus</c>), as Elsa writes it.
/// </summary>
public sealed record ExecutionStateResponse(string Status, string WorkflowSubStatus, DateTimeOffset UpdatedAt);
