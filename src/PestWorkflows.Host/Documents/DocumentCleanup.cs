namespace PestWorkflows.Host.Documents;

/// <summary>Runs <see cref="CaseDocuments.RemoveOrphansAsync"/> when the host starts and every six hours after.</summary>
public sealed class DocumentCleanup(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DocumentCleanup> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<CaseDocuments>().RemoveOrphansAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Removing documents no task took up failed; trying again in {Interval}", Interval);
            }
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
