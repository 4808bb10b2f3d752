using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine.Expressions;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// One run of one instance, from start or resume until the scheduler drains. Work items run one at
/// a time, first in first out, as in Elsa; "parallel" branches interleave on this single thread.
/// </summary>
public sealed class WorkflowExecutionContext
{
    private readonly Queue<ActivityExecutionContext> _queue = new();
    private readonly Dictionary<string, ActivityExecutionContext> _contexts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ActivityExecutionContext Context, Bookmark Bookmark)> _resumes = new();

    internal WorkflowExecutionContext(Workflow workflow, WorkflowState state, IServiceProvider services, TimeProvider clock,
        IDictionary<string, JsonNode?>? input, string? actor, CancellationToken cancellationToken)
    {
        Workflow = workflow;
        State = state;
        Services = services;
        Clock = clock;
        Actor = actor;
        CancellationToken = cancellationToken;
        // As in Elsa: this run's input wins, the input the instance started with fills the gaps.
        var merged = new Dictionary<string, JsonNode?>(state.Input);
        if (input is not null)
            foreach (var (key, value) in input) merged[key] = value;
        Input = merged;
        StartedAt = clock.GetUtcNow();
        _existingBookmarkIds = state.Bookmarks.Select(b => b.Id).ToHashSet();
        _existingContextIds = new HashSet<string>(state.Contexts.Count, StringComparer.Ordinal);
        foreach (var contextState in state.Contexts)
        {
            _existingContextIds.Add(contextState.Id);
            var activity = workflow.FindByNodeId(contextState.NodeId)
                ?? throw new InvalidOperationException($"Activity '{contextState.NodeId}' of instance {state.InstanceId} is not in version {workflow.Version} of the definition.");
            var parent = contextState.ParentId is null ? null : _contexts[contextState.ParentId];
            _contexts[contextState.Id] = new ActivityExecutionContext(this, activity, contextState, parent);
        }
    }

    public Workflow Workflow { get; }
    public WorkflowState State { get; }
    public IServiceProvider Services { get; }
    public TimeProvider Clock { get; }
    public string? Actor { get; }
    public CancellationToken CancellationToken { get; }
    public IReadOnlyDictionary<string, JsonNode?> Input { get; }
    public DateTimeOffset StartedAt { get; }
    /// <summary>
    /// How many event deliveries, each published by the step before, led to this run: 0 when a caller
    /// started or resumed it, 1 when an event a caller published resumed it, and so on.
    /// </summary>
    public int EventDepth { get; internal init; }
    private readonly HashSet<string> _existingBookmarkIds;

    private readonly HashSet<string> _existingContextIds;

    /// <summary>Whether a bookmark was created during this run (and so has no row yet).</summary>
    public bool IsNewBookmark(Bookmark bookmark) => !_existingBookmarkIds.Contains(bookmark.Id);

    /// <summary>
    /// Whether an activity execution was scheduled during this run, and so has no execution record yet.
    /// One that existed before the run usually has its record (not when it was scheduled but never ran
    /// before a fault stopped the run that scheduled it).
    /// </summary>
    internal bool IsNewExecution(string activityInstanceId) => !_existingContextIds.Contains(activityInstanceId);

    /// <summary>Journal lines written during this run, to be committed with the step.</summary>
    public List<JournalEntry> NewJournalEntries { get; } = new();
    /// <summary>Activity execution records created or changed during this run.</summary>
    public Dictionary<string, ActivityExecution> TouchedExecutions { get; } = new();
    /// <summary>Bookmarks removed during this run.</summary>
    public HashSet<string> RemovedBookmarkIds { get; } = new();
    /// <summary>Anything an activity wants committed in the same transaction (outbox rows, task rows, ...).</summary>
    public List<object> StepEffects { get; } = new();

    internal IEnumerable<ActivityExecutionContext> ChildrenOf(ActivityExecutionContext parent) =>
        _contexts.Values.Where(c => ReferenceEquals(c.Parent, parent));

    internal ActivityExecutionContext? FindContext(string id) => _contexts.GetValueOrDefault(id);

    // ---- scheduling -------------------------------------------------------------------------

    internal ActivityExecutionContext Schedule(Activity activity, ActivityExecutionContext? owner, JsonObject? input = null)
    {
        var state = new ActivityContextState
        {
            Id = Ids.New(),
            NodeId = activity.NodeId,
            ParentId = owner?.Id,
            Status = ActivityStatus.Pending,
            Input = input,
        };
        var context = new ActivityExecutionContext(this, activity, state, owner);
        _contexts[state.Id] = context;
        State.Contexts.Add(state);
        _queue.Enqueue(context);
        return context;
    }

    /// <summary>Runs until nothing is left to do, then decides Finished or Suspended.</summary>
    internal async Task DrainAsync()
    {
        await RunUntilIdleAsync();
        ForgetUnstoredVariables();
    }

    /// <summary>
    /// A variable without a storage driver is not part of what the step saves (as in Elsa): the next
    /// step sees its initial value.
    /// </summary>
    private void ForgetUnstoredVariables()
    {
        foreach (var variable in Workflow.Variables)
            if (!variable.IsStored)
                State.Variables[variable.Id] = variable.InitialValue?.DeepClone();
    }

    private async Task RunUntilIdleAsync()
    {
        State.SubStatus = WorkflowSubStatus.Executing;
        var limit = Services.GetService<IOptions<WorkflowEngineOptions>>()?.Value.MaxActivitiesPerStep ?? new WorkflowEngineOptions().MaxActivitiesPerStep;
        var executed = 0;
        while (_queue.TryDequeue(out var context))
        {
            if (State.SubStatus != WorkflowSubStatus.Executing) break;
            if (!_contexts.ContainsKey(context.Id)) continue; // cancelled or removed meanwhile
            var resume = _resumes.Remove(context.Id, out var r) ? r.Bookmark : null;
            if (resume is null && context.Status != ActivityStatus.Pending) continue;
            if (++executed > limit)
            {
                // The activity that would go over the limit faults, so a retry continues from it.
                Fault(context, new StepLimitExceededException(limit));
                break;
            }
            await RunAsync(context, resume);
        }

        if (State.SubStatus != WorkflowSubStatus.Executing) return;
        if (_contexts.Count == 0)
            Finish(WorkflowSubStatus.Finished);
        else
        {
            State.SubStatus = WorkflowSubStatus.Suspended;
            Journal(JournalEvents.WorkflowSuspended, null);
        }
    }

    private async Task RunAsync(ActivityExecutionContext context, Bookmark? resumedBookmark)
    {
        var record = Execution(context);
        try
        {
            if (resumedBookmark is null)
            {
                context.Status = ActivityStatus.Running;
                context.State.StartedAt = Clock.GetUtcNow();
                record.StartedAt = context.State.StartedAt.Value;
                record.Status = ActivityStatus.Running;
                Journal(JournalEvents.Started, context);
                await context.Activity.ExecuteAsync(context);
                record.ActivityState = (JsonObject)context.EvaluatedInputs.DeepClone();
                // Elsa journals an activity that now waits on a bookmark as Suspended; the viewer shows it amber.
                if (context.Status == ActivityStatus.Running && context.HasCreatedBookmarks)
                    Journal(JournalEvents.Suspended, context);
            }
            else
            {
                Journal(JournalEvents.Resumed, context, payload: new JsonObject { ["bookmarkId"] = resumedBookmark.Id });
                if (resumedBookmark.AutoBurn) RemoveBookmark(resumedBookmark);
                if (resumedBookmark.CallbackMethodName is not null)
                    await context.Activity.ResumeAsync(context, resumedBookmark);
                else
                    await context.CompleteActivityAsync();
            }
            record.HasBookmarks = State.Bookmarks.Any(b => b.ActivityInstanceId == context.Id);
            if (context.Outputs.Count > 0) record.Outputs = (JsonObject)context.Outputs.DeepClone();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !CancellationToken.IsCancellationRequested)
        {
            Fault(context, exception);
        }
    }

    /// <summary>Schedules the owner of a bookmark so that it resumes; the caller drains afterwards.</summary>
    internal void ScheduleResume(Bookmark bookmark)
    {
        var context = _contexts.GetValueOrDefault(bookmark.ActivityInstanceId)
            ?? throw new InvalidOperationException($"Bookmark {bookmark.Id} points to an activity execution that no longer exists.");
        Journal(JournalEvents.BookmarkResumed, context, payload: new JsonObject { ["bookmarkId"] = bookmark.Id, ["name"] = bookmark.Name });
        _resumes[context.Id] = (context, bookmark);
        _queue.Enqueue(context);
    }

    /// <summary>Runs a faulted activity again (incident retry).</summary>
    internal void ScheduleRetry(ActivityExecutionContext context)
    {
        context.Status = ActivityStatus.Pending;
        _queue.Enqueue(context);
    }

    internal void ScheduleRoot() => Schedule(Workflow.Root, null);

    // ---- completion, cancellation, faults ----------------------------------------------------

    internal async ValueTask CompleteAsync(ActivityExecutionContext context, IReadOnlyList<string> outcomes)
    {
        if (context.Status is ActivityStatus.Completed or ActivityStatus.Canceled) return;
        await CloseAsync(context, ActivityStatus.Completed);
        Journal(JournalEvents.Completed, context, payload: new JsonObject { ["Outcomes"] = new JsonArray(outcomes.Select(o => (JsonNode?)o).ToArray()) });

        if (context.Parent is { } parent && parent.Activity is IContainerActivity container)
        {
            await container.OnChildCompletedAsync(parent, context, outcomes);
        }
        Remove(context);
    }

    /// <summary>Ends an activity as completed or cancelled: whatever of its children still runs is
    /// cancelled (as in Elsa), its bookmarks go, and its execution record is closed.</summary>
    private async ValueTask CloseAsync(ActivityExecutionContext context, ActivityStatus status)
    {
        foreach (var child in ChildrenOf(context).ToList())
            await CancelAsync(child, notifyParent: false);
        context.Status = status;
        foreach (var bookmark in State.Bookmarks.Where(b => b.ActivityInstanceId == context.Id).ToList())
            RemoveBookmark(bookmark);
        var record = Execution(context);
        record.Status = status;
        record.CompletedAt = Clock.GetUtcNow();
        record.HasBookmarks = false;
    }

    internal ValueTask CancelAsync(ActivityExecutionContext context) => CancelAsync(context, notifyParent: true);

    private async ValueTask CancelAsync(ActivityExecutionContext context, bool notifyParent)
    {
        if (context.Status is ActivityStatus.Completed or ActivityStatus.Canceled) return;
        await CloseAsync(context, ActivityStatus.Canceled);
        Journal(JournalEvents.Canceled, context);
        Remove(context);

        if (notifyParent && context.Parent is { } parent && parent.Activity is IContainerActivity container && parent.Status == ActivityStatus.Running)
            await container.OnChildCanceledAsync(parent, context);
    }

    private void Fault(ActivityExecutionContext context, Exception exception)
    {
        context.Status = ActivityStatus.Faulted;
        var message = exception.Message;
        var incident = new Incident
        {
            Id = Ids.New(),
            ActivityId = context.Activity.Id,
            ActivityNodeId = context.Activity.NodeId,
            ActivityInstanceId = context.Id,
            ActivityType = context.Activity.Type,
            Message = message,
            ExceptionType = exception.GetType().FullName,
            StackTrace = exception.StackTrace,
            Timestamp = Clock.GetUtcNow(),
        };
        State.Incidents.Add(incident);
        var record = Execution(context);
        record.Status = ActivityStatus.Faulted;
        record.Exception = $"{exception.GetType().Name}: {message}";
        Journal(JournalEvents.Faulted, context, message);
        // Elsa's default incident strategy: the instance stops as Faulted until the incident is retried.
        State.SubStatus = WorkflowSubStatus.Faulted;
        State.Status = WorkflowStatus.Finished;
        Journal(JournalEvents.WorkflowFaulted, null, message);
    }

    /// <summary>Completes the whole workflow now (Elsa.Finish): clears queue and all bookmarks.</summary>
    internal void FinishNow()
    {
        _queue.Clear();
        foreach (var bookmark in State.Bookmarks.ToList()) RemoveBookmark(bookmark);
        foreach (var context in _contexts.Values.ToList())
        {
            if (context.Status is ActivityStatus.Pending or ActivityStatus.Running)
            {
                var record = Execution(context);
                if (record.Status != ActivityStatus.Completed) { record.Status = ActivityStatus.Completed; record.CompletedAt = Clock.GetUtcNow(); }
            }
            Remove(context);
        }
        Finish(WorkflowSubStatus.Finished);
    }

    private void Finish(WorkflowSubStatus subStatus)
    {
        State.SubStatus = subStatus;
        State.Status = WorkflowStatus.Finished;
        State.FinishedAt = Clock.GetUtcNow();
        Journal(JournalEvents.WorkflowFinished, null);
    }

    internal void Cancel()
    {
        _queue.Clear();
        foreach (var bookmark in State.Bookmarks.ToList()) RemoveBookmark(bookmark);
        foreach (var context in _contexts.Values.ToList()) Remove(context);
        Finish(WorkflowSubStatus.Cancelled);
    }

    private void Remove(ActivityExecutionContext context)
    {
        _contexts.Remove(context.Id);
        State.Contexts.Remove(context.State);
    }

    // ---- bookmarks, variables, journal ------------------------------------------------------

    internal void AddBookmark(ActivityExecutionContext context, Bookmark bookmark)
    {
        State.Bookmarks.Add(bookmark);
        Journal(JournalEvents.BookmarkCreated, context, payload: new JsonObject
        {
            ["bookmarkId"] = bookmark.Id,
            ["name"] = bookmark.Name,
            ["dueAt"] = bookmark.DueAt?.ToString("O"),
        });
    }

    internal void RemoveBookmark(Bookmark bookmark)
    {
        if (State.Bookmarks.Remove(bookmark)) RemovedBookmarkIds.Add(bookmark.Id);
    }

    public object? GetVariable(string name)
    {
        var variable = FindVariable(name);
        return variable is null ? null : ValueConverter.FromJsonNode(State.Variables.GetValueOrDefault(variable.Id));
    }

    public void SetVariable(string name, object? value)
    {
        var variable = FindVariable(name) ?? throw new InvalidOperationException($"The workflow has no variable named '{name}'.");
        State.Variables[variable.Id] = ValueConverter.ToJsonNode(value);
    }

    public void SetVariableById(string id, object? value) => State.Variables[id] = ValueConverter.ToJsonNode(value);

    public Variable? FindVariable(string nameOrId) =>
        Workflow.Variables.FirstOrDefault(v => v.Name == nameOrId) ?? Workflow.Variables.FirstOrDefault(v => v.Id == nameOrId);

    internal void Journal(string eventName, ActivityExecutionContext? context, string? message = null, JsonObject? payload = null)
    {
        var activity = context?.Activity;
        NewJournalEntries.Add(new JournalEntry(
            ++State.JournalSequence, Clock.GetUtcNow(), eventName,
            activity?.Id, activity?.NodeId, activity?.Type, activity?.Name, context?.Id,
            Actor, message, payload));
    }

    private ActivityExecution Execution(ActivityExecutionContext context)
    {
        if (!TouchedExecutions.TryGetValue(context.Id, out var record))
        {
            record = new ActivityExecution
            {
                Id = context.Id,
                ActivityId = context.Activity.Id,
                NodeId = context.Activity.NodeId,
                ActivityType = context.Activity.Type,
                ActivityTypeVersion = context.Activity.Version,
                ActivityName = context.Activity.Name,
                StartedAt = context.State.StartedAt ?? Clock.GetUtcNow(),
                Status = context.Status,
            };
            TouchedExecutions[context.Id] = record;
        }
        return record;
    }
}
