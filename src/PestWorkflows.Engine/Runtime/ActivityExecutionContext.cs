using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Engine.Expressions;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Runtime;

/// <summary>Options for creating a bookmark.</summary>
public sealed record BookmarkOptions
{
    /// <summary>Defaults to the activity's type name.</summary>
    public string? Name { get; init; }
    /// <summary>The stimulus: what the bookmark waits for. Its hash is used to find the bookmark.</summary>
    public JsonObject? Payload { get; init; }
    /// <summary>Whether the activity instance id goes into the hash (Elsa: false for events and tasks).</summary>
    public bool IncludeActivityInstanceId { get; init; } = true;
    public DateTimeOffset? DueAt { get; init; }
    public bool AutoBurn { get; init; } = true;
    /// <summary>When set, the activity's <see cref="Activity.ResumeAsync"/> runs on resume instead of plain completion.</summary>
    public bool Callback { get; init; }
    public string? BookmarkId { get; init; }
}

/// <summary>The run-time view of one activity execution: inputs, outputs, bookmarks, completion.</summary>
public sealed class ActivityExecutionContext
{
    internal ActivityExecutionContext(WorkflowExecutionContext workflow, Activity activity, ActivityContextState state, ActivityExecutionContext? parent)
    {
        WorkflowExecutionContext = workflow;
        Activity = activity;
        State = state;
        Parent = parent;
    }

    internal ActivityContextState State { get; }
    public string Id => State.Id;
    public Activity Activity { get; }
    public ActivityExecutionContext? Parent { get; }
    public WorkflowExecutionContext WorkflowExecutionContext { get; }
    public ActivityStatus Status { get => State.Status; internal set => State.Status = value; }
    public string WorkflowInstanceId => WorkflowExecutionContext.State.InstanceId;
    public TimeProvider Clock => WorkflowExecutionContext.Clock;
    public CancellationToken CancellationToken => WorkflowExecutionContext.CancellationToken;

    /// <summary>Persisted per-execution properties (flowchart counters, task ids, ...).</summary>
    public JsonObject Properties => State.Properties ??= new JsonObject();

    /// <summary>Input given when the activity was scheduled (e.g. <c>BackwardConnection</c>).</summary>
    public JsonObject? ScheduleInput => State.Input;

    /// <summary>State shared by this execution's handlers during one run; never persisted.</summary>
    internal Dictionary<string, object> TransientProperties { get; } = new(StringComparer.Ordinal);

    internal bool HasCreatedBookmarks { get; private set; }
    internal IReadOnlyList<string>? PendingOutcomes { get; private set; }
    internal JsonObject EvaluatedInputs { get; } = new();
    internal JsonObject Outputs { get; } = new();

    public T GetRequiredService<T>() where T : notnull => WorkflowExecutionContext.Services.GetRequiredService<T>();
    public T? GetService<T>() => WorkflowExecutionContext.Services.GetService<T>();

    /// <summary>Evaluates an input. Evaluation errors surface as incidents on the instance.</summary>
    public async ValueTask<T?> GetAsync<T>(Input<T>? input, string? name = null)
    {
        if (input?.Expression is null) return input is null ? default : input.Default;
        var evaluator = GetRequiredService<ExpressionEvaluator>();
        var value = await evaluator.EvaluateAsync(input.Expression, typeof(T), this);
        var typed = value is null ? default : (T?)ValueConverter.Convert(value, typeof(T));
        if (name is not null)
            EvaluatedInputs[name] = ValueConverter.ToJsonNode(typed);
        return typed;
    }

    /// <summary>Sets an output and, when bound to a variable, that variable.</summary>
    public void Set<T>(Output<T>? output, T? value, string name)
    {
        Outputs[name] = ValueConverter.ToJsonNode(value);
        if (output?.VariableId is { } variableId)
            WorkflowExecutionContext.State.Variables[variableId] = ValueConverter.ToJsonNode(value);
    }

    public object? GetVariable(string name) => WorkflowExecutionContext.GetVariable(name);
    public void SetVariable(string name, object? value) => WorkflowExecutionContext.SetVariable(name, value);

    /// <summary>Values given when the instance was started or resumed (a task's result, an event payload).</summary>
    public IReadOnlyDictionary<string, JsonNode?> WorkflowInput => WorkflowExecutionContext.Input;

    /// <summary>Sets the outcomes a <see cref="CodeActivity"/> completes with.</summary>
    public void SetOutcomes(params string[] outcomes) => PendingOutcomes = outcomes;

    public Bookmark CreateBookmark(BookmarkOptions options)
    {
        var name = options.Name ?? Activity.Type;
        var bookmark = new Bookmark
        {
            Id = options.BookmarkId ?? Ids.New(),
            Name = name,
            Hash = StimulusHasher.Hash(name, options.Payload, options.IncludeActivityInstanceId ? Id : null),
            Payload = options.Payload,
            ActivityId = Activity.Id,
            ActivityNodeId = Activity.NodeId,
            ActivityInstanceId = Id,
            CreatedAt = Clock.GetUtcNow(),
            DueAt = options.DueAt,
            AutoBurn = options.AutoBurn,
            CallbackMethodName = options.Callback ? nameof(Activity.ResumeAsync) : null,
        };
        WorkflowExecutionContext.AddBookmark(this, bookmark);
        HasCreatedBookmarks = true;
        return bookmark;
    }

    /// <summary>Schedules a child activity of this (container) activity.</summary>
    public ActivityExecutionContext ScheduleActivity(Activity child, JsonObject? input = null) =>
        WorkflowExecutionContext.Schedule(child, this, input);

    public ValueTask CompleteActivityAsync(IReadOnlyList<string>? outcomes = null) =>
        WorkflowExecutionContext.CompleteAsync(this, outcomes is { Count: > 0 } ? outcomes : Outcomes.Done);

    public ValueTask CompleteActivityWithOutcomesAsync(params string[] outcomes) =>
        WorkflowExecutionContext.CompleteAsync(this, outcomes);

    public ValueTask CancelAsync() => WorkflowExecutionContext.CancelAsync(this);

    public IEnumerable<ActivityExecutionContext> Children => WorkflowExecutionContext.ChildrenOf(this);

    /// <summary>Adds something to commit in the same transaction as this step (an outbox row, a task row, ...).</summary>
    public void AddStepEffect(object effect) => WorkflowExecutionContext.StepEffects.Add(effect);

    /// <summary>Writes a custom line into the instance's journal.</summary>
    public void Journal(string eventName, string? message = null, JsonObject? payload = null) =>
        WorkflowExecutionContext.Journal(eventName, this, message, payload);

    public override string ToString() => $"{Activity} ({Id}, {Status})";
}

/// <summary>Outcome name constants.</summary>
public static class Outcomes
{
    public static readonly IReadOnlyList<string> Done = ["Done"];
    public static readonly IReadOnlyList<string> Empty = [];
}

internal static class Ids
{
    /// <summary>Short, URL-safe, random ids like Elsa's.</summary>
    public static string New() => Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 8).ToLowerInvariant();
}

/// <summary>Elsa's stimulus hash: the non-empty parts joined by '|', SHA-256, upper-case hex.</summary>
public static class StimulusHasher
{
    public static string Hash(string name, JsonObject? payload, string? activityInstanceId)
    {
        var parts = new List<string> { name };
        if (payload is { Count: > 0 })
        {
            // Only the fields that identify the stimulus take part; '_' prefixed fields are descriptive.
            var identifying = new JsonObject();
            foreach (var (key, value) in payload)
                if (!key.StartsWith('_') && value is not null)
                    identifying[char.ToUpperInvariant(key[0]) + key[1..]] = value.DeepClone();
            if (identifying.Count > 0) parts.Add(identifying.ToJsonString());
        }
        if (!string.IsNullOrEmpty(activityInstanceId)) parts.Add(activityInstanceId);
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('|', parts)));
        return Convert.ToHexString(bytes);
    }
}

internal static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
