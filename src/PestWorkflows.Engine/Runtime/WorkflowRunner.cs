using System.Text.Json.Nodes;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Runtime;

/// <summary>Options for starting an instance.</summary>
public sealed record StartWorkflowOptions
{
    public string? InstanceId { get; init; }
    /// <summary>The starter's tenant, which the instance belongs to (null: <see cref="Tenants.Default"/>).</summary>
    public string? TenantId { get; init; }
    public string? CorrelationId { get; init; }
    public string? Name { get; init; }
    public IDictionary<string, JsonNode?>? Input { get; init; }
    /// <summary>Overrides the definition's flowchart mode for this instance.</summary>
    public FlowchartExecutionMode? FlowchartMode { get; init; }
    public string? Actor { get; init; }
    /// <summary>
    /// Effects the caller records with the instance's first step, handed to the
    /// <see cref="IStepEffectHandler"/>s before the activities' own: the record the instance is for
    /// (a case) then exists exactly when its instance does.
    /// </summary>
    public IReadOnlyList<object>? StepEffects { get; init; }
}

/// <summary>
/// Runs workflows in memory: start, resume a bookmark, retry an incident. Knows nothing of storage;
/// <see cref="WorkflowRuntime"/> wraps it with persistence and concurrency control.
/// </summary>
public sealed class WorkflowRunner(IServiceProvider services, TimeProvider clock)
{
    public async Task<WorkflowExecutionContext> StartAsync(Workflow workflow, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new StartWorkflowOptions();
        var now = clock.GetUtcNow();
        var state = new WorkflowState
        {
            InstanceId = options.InstanceId ?? Ids.New(),
            TenantId = options.TenantId ?? Tenants.Default,
            DefinitionId = workflow.DefinitionId,
            DefinitionVersionId = workflow.DefinitionVersionId,
            DefinitionVersion = workflow.Version,
            CorrelationId = options.CorrelationId,
            Name = options.Name ?? workflow.Name,
            FlowchartMode = options.FlowchartMode ?? workflow.FlowchartMode,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (options.Input is not null)
            foreach (var (key, value) in options.Input) state.Input[key] = value?.DeepClone();
        foreach (var variable in workflow.Variables)
            state.Variables[variable.Id] = variable.InitialValue?.DeepClone();

        var context = new WorkflowExecutionContext(workflow, state, services, clock, options.Input, options.Actor, cancellationToken);
        if (options.StepEffects is not null) context.StepEffects.AddRange(options.StepEffects);
        context.Journal(JournalEvents.WorkflowStarted, null);
        context.ScheduleRoot();
        await context.DrainAsync();
        state.UpdatedAt = clock.GetUtcNow();
        return context;
    }

    /// <summary>Resumes one bookmark of a suspended instance with the given input.</summary>
    /// <param name="eventDepth">How many event deliveries led to this resume (0 when a caller resumes it directly).</param>
    public async Task<WorkflowExecutionContext> ResumeAsync(Workflow workflow, WorkflowState state, string bookmarkId,
        IDictionary<string, JsonNode?>? input = null, string? actor = null, CancellationToken cancellationToken = default, int eventDepth = 0)
    {
        if (state.Status == WorkflowStatus.Finished)
            throw new WorkflowStateException($"Instance {state.InstanceId} is finished ({state.SubStatus}); it cannot be resumed.");
        var bookmark = state.Bookmarks.FirstOrDefault(b => b.Id == bookmarkId)
            ?? throw new BookmarkNotFoundException(bookmarkId);
        var context = new WorkflowExecutionContext(workflow, state, services, clock, input, actor, cancellationToken) { EventDepth = eventDepth };
        context.ScheduleResume(bookmark);
        await context.DrainAsync();
        state.UpdatedAt = clock.GetUtcNow();
        return context;
    }

    /// <summary>Runs the faulted activities of an instance again.</summary>
    public async Task<WorkflowExecutionContext> RetryAsync(Workflow workflow, WorkflowState state, string? actor = null, CancellationToken cancellationToken = default)
    {
        if (state.SubStatus != WorkflowSubStatus.Faulted)
            throw new WorkflowStateException($"Instance {state.InstanceId} has no open incident to retry.");
        var context = new WorkflowExecutionContext(workflow, state, services, clock, null, actor, cancellationToken);
        state.Status = WorkflowStatus.Running;
        state.FinishedAt = null;
        var now = clock.GetUtcNow();
        foreach (var incident in state.Incidents.Where(i => i.ResolvedAt is null))
        {
            incident.ResolvedAt = now;
            if (context.FindContext(incident.ActivityInstanceId) is { Status: ActivityStatus.Faulted } faulted)
            {
                context.Journal(JournalEvents.IncidentRetried, faulted, incident.Message);
                context.ScheduleRetry(faulted);
            }
        }
        await context.DrainAsync();
        state.UpdatedAt = clock.GetUtcNow();
        return context;
    }

    /// <summary>Cancels an instance: removes its bookmarks and marks it Cancelled.</summary>
    public WorkflowExecutionContext Cancel(Workflow workflow, WorkflowState state, string? actor = null)
    {
        if (state.Status == WorkflowStatus.Finished)
            throw new WorkflowStateException($"Instance {state.InstanceId} is already finished.");
        var context = new WorkflowExecutionContext(workflow, state, services, clock, null, actor, CancellationToken.None);
        context.Journal(JournalEvents.WorkflowCancelled, null);
        context.Cancel();
        state.UpdatedAt = clock.GetUtcNow();
        return context;
    }
}

/// <summary>The instance is not in a state that allows the operation.</summary>
public sealed class WorkflowStateException(string message) : InvalidOperationException(message);

/// <summary>No open bookmark has that id (it was resumed already, or never existed).</summary>
public sealed class BookmarkNotFoundException(string bookmarkId)
    : InvalidOperationException($"Bookmark {bookmarkId} is not open: it was resumed already or does not exist.")
{
    public string BookmarkId { get; } = bookmarkId;
}
