using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PestWorkflows.Engine.Persistence;

namespace PestWorkflows.Host.Health;

/// <summary>Healthy when the workflow database answers; <c>GET /health</c> then returns 200, otherwise 503.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<WorkflowDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The workflow database cannot be reached.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The workflow database cannot be reached.", e);
        }
    }
}
