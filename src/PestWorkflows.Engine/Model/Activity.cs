using System.Text.Json.Nodes;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Model;

/// <summary>
/// The base of every activity, in Elsa's shape: an activity reads its inputs from the context and
/// must itself complete (or create a bookmark and complete later). Activity objects are part of a
/// materialized workflow that is shared between runs, so they hold configuration only; all run
/// state lives in the <see cref="ActivityExecutionContext"/>.
/// </summary>
public abstract class Activity
{
    public string Id { get; set; } = "";
    /// <summary>The activity's path in the workflow, e.g. <c>Workflow1:Flowchart1:WriteLine1</c>.</summary>
    public string NodeId { get; set; } = "";
    public string? Name { get; set; }
    /// <summary>The Elsa type name, e.g. <c>Elsa.WriteLine</c>.</summary>
    public string Type { get; set; } = "";
    public int Version { get; set; } = 1;
    public JsonObject CustomProperties { get; set; } = new();
    public JsonObject Metadata { get; set; } = new();

    /// <summary>Runs the activity. Call <see cref="ActivityExecutionContext.CompleteActivityAsync"/> when done.</summary>
    public abstract ValueTask ExecuteAsync(ActivityExecutionContext context);

    /// <summary>
    /// Called when one of this activity's bookmarks is resumed. The default completes the activity,
    /// as Elsa's auto-complete bookmarks do.
    /// </summary>
    public virtual ValueTask ResumeAsync(ActivityExecutionContext context, Bookmark bookmark) =>
        context.CompleteActivityAsync();

    public bool CanStartWorkflow => CustomProperties["canStartWorkflow"] is JsonValue v && v.TryGetValue(out bool b) && b;

    public override string ToString() => $"{Type} {Id}";
}

/// <summary>An activity that completes by itself after <see cref="Execute"/>, unless it created a bookmark.</summary>
public abstract class CodeActivity : Activity
{
    public sealed override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        await ExecuteCodeAsync(context);
        if (!context.HasCreatedBookmarks && context.Status == ActivityStatus.Running)
            await context.CompleteActivityAsync(context.PendingOutcomes);
    }

    protected virtual ValueTask ExecuteCodeAsync(ActivityExecutionContext context)
    {
        Execute(context);
        return ValueTask.CompletedTask;
    }

    protected virtual void Execute(ActivityExecutionContext context) { }
}

/// <summary>An activity that holds child activities and is told when one of them completes.</summary>
public interface IContainerActivity
{
    IEnumerable<Activity> Children { get; }
    ValueTask OnChildCompletedAsync(ActivityExecutionContext self, ActivityExecutionContext child, IReadOnlyList<string> outcomes);
    ValueTask OnChildCanceledAsync(ActivityExecutionContext self, ActivityExecutionContext child);
}

/// <summary>Marks an activity whose completion completes its flowchart at once (End, Finish).</summary>
public interface ITerminalNode;

/// <summary>Marks the explicit start of a flowchart.</summary>
public interface IStartNode;

/// <summary>Marks an activity that can start a workflow.</summary>
public interface ITrigger;
