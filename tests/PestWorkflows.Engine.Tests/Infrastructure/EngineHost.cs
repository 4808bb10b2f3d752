using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Tests.Infrastructure;

/// <summary>Collects WriteLine output per instance.</summary>
public sealed class CapturedOutput : IWorkflowTextOutput
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();
    public void WriteLine(string workflowInstanceId, string text) => _lines.GetOrAdd(workflowInstanceId, _ => new()).Enqueue(text);
    public IReadOnlyList<string> For(string instanceId) => _lines.TryGetValue(instanceId, out var q) ? q.ToList() : [];
}

/// <summary>
/// The engine as a host builds it (a real database, the real runtime), with a fake clock. Disposing
/// and building a new one on the same database is a host restart.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private EngineHost(ServiceProvider services) => _services = services;

    public static async Task<EngineHost> StartAsync(DatabaseProvider provider, string connectionString, FakeTimeProvider? clock = null,
        CapturedOutput? output = null, Action<IServiceCollection>? configure = null, Action<WorkflowEngineOptions>? engine = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clock ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)));
        services.AddSingleton<IWorkflowTextOutput>(output ?? new CapturedOutput());
        services.AddWorkflowEngine(o =>
        {
            o.Provider = provider;
            o.ConnectionString = connectionString;
            engine?.Invoke(o);
        });
        configure?.Invoke(services);
        var provider_ = services.BuildServiceProvider();
        await provider_.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        return new EngineHost(provider_);
    }

    public static string NewSqliteFile() =>
        $"Data Source={Path.Combine(Path.GetTempPath(), "pestworkflows-tests", Guid.NewGuid().ToString("N") + ".db")}";

    public IServiceProvider Services => _services;
    public WorkflowRuntime Runtime => _services.GetRequiredService<WorkflowRuntime>();
    public WorkflowDefinitionStore Definitions => _services.GetRequiredService<WorkflowDefinitionStore>();
    public TimerDispatcher Timers => _services.GetRequiredService<TimerDispatcher>();
    public CapturedOutput Output => (CapturedOutput)_services.GetRequiredService<IWorkflowTextOutput>();

    public async Task<WorkflowDbContext> DbAsync() =>
        await _services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
