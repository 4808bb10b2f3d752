using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;
using PestWorkflows.Engine.Tests.Infrastructure;

namespace PestWorkflows.Activities.Tests;

/// <summary>Records what the protocol asks the host to do; stands in for the host's case store.</summary>
public sealed class RecordedEffects : IStepEffectHandler
{
    public ConcurrentQueue<object> All { get; } = new();

    public ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct)
    {
        All.Enqueue(effect);
        return ValueTask.CompletedTask;
    }

    public IEnumerable<HumanTaskCreated> Tasks(string instanceId) => All.OfType<HumanTaskCreated>().Where(t => t.WorkflowInstanceId == instanceId);
    public IEnumerable<CaseEvent> Events(string instanceId) => All.OfType<CaseEvent>().Where(e => e.WorkflowInstanceId == instanceId);

    /// <summary>The open task (created, not completed or cancelled) of an instance.</summary>
    public HumanTaskCreated OpenTask(string instanceId)
    {
        var closed = All.OfType<HumanTaskCompleted>().Select(c => c.TaskId).Concat(All.OfType<HumanTaskCancelled>().Select(c => c.TaskId)).ToHashSet();
        return Tasks(instanceId).Single(t => !closed.Contains(t.TaskId) && t.ActivityType != "Pestprotocol.RegisterInEsis");
    }
}

/// <summary>The real protocol definition (workflows/pestprotocol.json) on the real engine and a SQLite file.</summary>
public sealed class ProtocolHarness : IAsyncDisposable
{
    public const string Reporter = "leerkracht1";
    private EngineHost _host = null!;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)); // Tuesday 10:00 in Amsterdam
    public RecordedEffects Effects { get; } = new();
    public EngineHost Host => _host;

    public static async Task<ProtocolHarness> StartAsync()
    {
        var harness = new ProtocolHarness();
        harness._host = await EngineHost.StartAsync(DatabaseProvider.Sqlite, EngineHost.NewSqliteFile(), harness.Clock, configure: s =>
        {
            s.AddProtocolActivities();
            s.AddSingleton<IStepEffectHandler>(harness.Effects);
        });
        await harness._host.Definitions.ImportAsync(Tenants.Default, WorkflowDefinitionJson.Parse(await File.ReadAllTextAsync(ProtocolFile())), publish: true);
        return harness;
    }

    public static string ProtocolFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "workflows", "pestprotocol.json");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("workflows/pestprotocol.json not found above " + AppContext.BaseDirectory);
    }

    public async Task<string> ReportSignalAsync(params string[] bullyPupilIds)
    {
        var result = await _host.Runtime.StartAsync("pestprotocol", new StartWorkflowOptions
        {
            Input = new Dictionary<string, JsonNode?>
            {
                [CaseInput.CaseId] = Guid.NewGuid().ToString("N"),
                [CaseInput.SchoolId] = "regenboog",
                [CaseInput.ReporterId] = Reporter,
                [CaseInput.SignalAt] = Clock.GetUtcNow().ToString("O"),
                [CaseInput.BullyPupilIds] = new JsonArray(bullyPupilIds.Select(id => (JsonNode?)id).ToArray()),
            },
        });
        Assert.Equal(RunOutcome.Applied, result.Outcome);
        return result.InstanceId!;
    }

    /// <summary>Completes the instance's open task with an outcome and values, as a person would.</summary>
    public async Task<HumanTaskCreated> CompleteAsync(string instanceId, string expectedActivityType, string outcome, JsonObject? values = null, string by = "apc")
    {
        var task = Effects.OpenTask(instanceId);
        Assert.Equal(expectedActivityType, task.ActivityType);
        await CompleteTaskAsync(task, outcome, values, by);
        return task;
    }

    public async Task CompleteTaskAsync(HumanTaskCreated task, string outcome, JsonObject? values = null, string by = "apc")
    {
        var bookmarkId = (await _host.Runtime.GetStateAsync(task.WorkflowInstanceId))!.Bookmarks
            .Single(b => b.Name == HumanTaskActivity.TaskBookmarkName && (string?)b.Payload!["taskId"] == task.TaskId).Id;
        var result = await _host.Runtime.ResumeAsync(Tenants.Default, bookmarkId, new Dictionary<string, JsonNode?>
        {
            [HumanTaskActivity.ResultInputKey] = new JsonObject { ["outcome"] = outcome, ["values"] = values ?? new JsonObject(), ["completedBy"] = by },
        }, by);
        Assert.Equal(RunOutcome.Applied, result.Outcome);
        Assert.Empty(result.Incidents);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
