using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Persistence;

namespace PestWorkflows.Engine.Runtime;

/// <summary>How a start or resume ended.</summary>
public enum RunOutcome
{
    /// <summary>The step ran and was committed.</summary>
    Applied,
    /// <summary>No such definition, instance or bookmark.</summary>
    NotFound,
    /// <summary>Someone else changed the instance first (or already resumed this bookmark); nothing was applied.</summary>
    Conflict,
}

/// <summary>The result of one committed step (or why there was none).</summary>
public sealed record WorkflowRunResult(
    RunOutcome Outcome,
    string? InstanceId,
    WorkflowStatus? Status,
    WorkflowSubStatus? SubStatus,
    IReadOnlyList<Bookmark> Bookmarks,
    IReadOnlyList<Incident> Incidents,
    string? Message = null)
{
    public static WorkflowRunResult NotFound(string message) => new(RunOutcome.NotFound, null, null, null, [], [], message);
    public static WorkflowRunResult Conflict(string? instanceId, string message) => new(RunOutcome.Conflict, instanceId, null, null, [], [], message);
}

/// <summary>
/// Applies something an activity asked for inside the step's transaction (a task row, an outbox
/// row). Register implementations in DI; every handler sees every effect and picks its own.
/// </summary>
public interface IStepEffectHandler
{
    ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct);
}

/// <summary>
/// The persistent runtime: starts instances, resumes bookmarks, completes tasks, publishes events.
/// One step (instance state, bookmarks, journal, execution records and step effects) commits in one
/// transaction; the instance's revision makes two concurrent steps on one instance fail cleanly.
/// </summary>
public sealed class WorkflowRuntime(
    IDbContextFactory<WorkflowDbContext> dbFactory,
    WorkflowDefinitionStore definitions,
    WorkflowRunner runner,
    TimeProvider clock,
    IServiceProvider services,
    ILogger<WorkflowRuntime> logger)
{
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);

    /// <summary>Starts a new instance of the published version of a definition.</summary>
    public async Task<WorkflowRunResult> StartAsync(string definitionId, StartWorkflowOptions? options = null, CancellationToken ct = default)
    {
        var record = await definitions.FindAsync(definitionId, VersionOptions.Published, ct);
        if (record is null) return WorkflowRunResult.NotFound($"Definition '{definitionId}' has no published version.");
        return await StartVersionAsync(record.Id, options, ct);
    }

    /// <summary>Starts a new instance of one specific definition version.</summary>
    public async Task<WorkflowRunResult> StartVersionAsync(string definitionVersionId, StartWorkflowOptions? options = null, CancellationToken ct = default)
    {
        var workflow = await definitions.LoadWorkflowAsync(definitionVersionId, ct);
        if (workflow is null) return WorkflowRunResult.NotFound($"Definition version '{definitionVersionId}' does not exist.");
        var run = await runner.StartAsync(workflow, options, ct);
        return await CommitAsync(run, expectedRevision: null, ct);
    }

    /// <summary>Resumes one bookmark with the given input.</summary>
    public async Task<WorkflowRunResult> ResumeAsync(string bookmarkId, IDictionary<string, JsonNode?>? input = null, string? actor = null, CancellationToken ct = default)
    {
        BookmarkRecord? bookmark;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            bookmark = await db.Bookmarks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bookmarkId, ct);
        if (bookmark is null) return WorkflowRunResult.NotFound($"Bookmark '{bookmarkId}' does not exist.");
        if (bookmark.ClosedAt is not null)
            return WorkflowRunResult.Conflict(bookmark.WorkflowInstanceId, $"Bookmark '{bookmarkId}' was resumed already.");

        var (instance, state, workflow) = await LoadAsync(bookmark.WorkflowInstanceId, ct);
        if (instance is null || state is null || workflow is null)
            return WorkflowRunResult.NotFound($"Instance '{bookmark.WorkflowInstanceId}' does not exist.");
        if (state.Bookmarks.All(b => b.Id != bookmarkId))
            return WorkflowRunResult.Conflict(instance.Id, $"Bookmark '{bookmarkId}' was resumed already.");

        var run = await runner.ResumeAsync(workflow, state, bookmarkId, input, actor, ct);
        return await CommitAsync(run, instance.Revision, ct);
    }

    /// <summary>Completes an <c>Elsa.RunTask</c> task: resumes its bookmark with <c>RunTaskInput = result</c>.</summary>
    public async Task<WorkflowRunResult> CompleteTaskAsync(string taskId, JsonNode? result, string? actor = null, CancellationToken ct = default)
    {
        var hash = StimulusHasher.Hash("Elsa.RunTask", RunTask.TaskStimulus(taskId), null);
        string? bookmarkId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            bookmarkId = await db.Bookmarks.AsNoTracking()
                .Where(b => b.Hash == hash)
                .OrderBy(b => b.ClosedAt != null) // an open one first
                .Select(b => b.Id).FirstOrDefaultAsync(ct);
        if (bookmarkId is null) return WorkflowRunResult.NotFound($"Task '{taskId}' does not exist.");
        return await ResumeAsync(bookmarkId, new Dictionary<string, JsonNode?> { [RunTask.ResultInputKey] = result?.DeepClone() }, actor, ct);
    }

    /// <summary>
    /// Publishes an event: resumes every open <c>Elsa.Event</c> bookmark for that name, limited to
    /// instances with the given correlation id (or the given instance) when one is given.
    /// Returns the steps applied.
    /// </summary>
    public async Task<IReadOnlyList<WorkflowRunResult>> PublishEventAsync(string eventName, string? correlationId = null, string? workflowInstanceId = null,
        JsonNode? payload = null, string? actor = null, CancellationToken ct = default)
    {
        var hash = StimulusHasher.Hash("Elsa.Event", Event.EventStimulus(eventName), null);
        List<string> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var query = db.Bookmarks.AsNoTracking().Where(b => b.Hash == hash && b.ClosedAt == null);
            if (correlationId is not null) query = query.Where(b => b.CorrelationId == correlationId);
            if (workflowInstanceId is not null) query = query.Where(b => b.WorkflowInstanceId == workflowInstanceId);
            ids = await query.OrderBy(b => b.CreatedAt).Select(b => b.Id).ToListAsync(ct);
        }
        var results = new List<WorkflowRunResult>();
        foreach (var id in ids)
        {
            var input = new Dictionary<string, JsonNode?> { [Event.PayloadInputKey] = payload?.DeepClone() ?? new JsonObject() };
            results.Add(await ResumeAsync(id, input, actor, ct));
        }
        return results;
    }

    /// <summary>Retries the open incidents of a faulted instance.</summary>
    public async Task<WorkflowRunResult> RetryAsync(string instanceId, string? actor = null, CancellationToken ct = default)
    {
        var (instance, state, workflow) = await LoadAsync(instanceId, ct);
        if (instance is null || state is null || workflow is null) return WorkflowRunResult.NotFound($"Instance '{instanceId}' does not exist.");
        var run = await runner.RetryAsync(workflow, state, actor, ct);
        return await CommitAsync(run, instance.Revision, ct);
    }

    /// <summary>Cancels an instance.</summary>
    public async Task<WorkflowRunResult> CancelAsync(string instanceId, string? actor = null, CancellationToken ct = default)
    {
        var (instance, state, workflow) = await LoadAsync(instanceId, ct);
        if (instance is null || state is null || workflow is null) return WorkflowRunResult.NotFound($"Instance '{instanceId}' does not exist.");
        var run = runner.Cancel(workflow, state, actor);
        return await CommitAsync(run, instance.Revision, ct);
    }

    public async Task<WorkflowState?> GetStateAsync(string instanceId, CancellationToken ct = default)
    {
        var (_, state, _) = await LoadAsync(instanceId, ct);
        return state;
    }

    private async Task<(WorkflowInstanceRecord?, WorkflowState?, Workflow?)> LoadAsync(string instanceId, CancellationToken ct)
    {
        WorkflowInstanceRecord? instance;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            instance = await db.Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
        if (instance is null) return (null, null, null);
        var state = JsonSerializer.Deserialize<WorkflowState>(instance.State, StateJson)!;
        var workflow = await definitions.LoadWorkflowAsync(instance.DefinitionVersionId, ct)
            ?? throw new InvalidOperationException($"Instance {instance.Id} runs on definition version {instance.DefinitionVersionId}, which no longer exists.");
        return (instance, state, workflow);
    }

    /// <summary>Commits one step in one transaction. A revision mismatch rolls back and reports a conflict.</summary>
    private async Task<WorkflowRunResult> CommitAsync(WorkflowExecutionContext run, int? expectedRevision, CancellationToken ct)
    {
        var state = run.State;
        var now = clock.GetUtcNow();
        var stateJson = JsonSerializer.Serialize(state, StateJson);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        if (expectedRevision is null)
        {
            db.Instances.Add(new WorkflowInstanceRecord
            {
                Id = state.InstanceId,
                DefinitionId = state.DefinitionId,
                DefinitionVersionId = state.DefinitionVersionId,
                Version = state.DefinitionVersion,
                Status = state.Status.ToString(),
                SubStatus = state.SubStatus.ToString(),
                CorrelationId = state.CorrelationId,
                Name = state.Name,
                IncidentCount = state.Incidents.Count(i => i.ResolvedAt is null),
                CreatedAt = state.CreatedAt,
                UpdatedAt = now,
                FinishedAt = state.FinishedAt,
                State = stateJson,
                Revision = 1,
            });
        }
        else
        {
            var revision = expectedRevision.Value;
            var updated = await db.Instances
                .Where(i => i.Id == state.InstanceId && i.Revision == revision)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(i => i.State, stateJson)
                    .SetProperty(i => i.Status, state.Status.ToString())
                    .SetProperty(i => i.SubStatus, state.SubStatus.ToString())
                    .SetProperty(i => i.CorrelationId, state.CorrelationId)
                    .SetProperty(i => i.Name, state.Name)
                    .SetProperty(i => i.IncidentCount, state.Incidents.Count(x => x.ResolvedAt == null))
                    .SetProperty(i => i.UpdatedAt, now)
                    .SetProperty(i => i.FinishedAt, state.FinishedAt)
                    .SetProperty(i => i.Revision, revision + 1), ct);
            if (updated == 0)
            {
                await transaction.RollbackAsync(ct);
                return WorkflowRunResult.Conflict(state.InstanceId, $"Instance '{state.InstanceId}' was changed by another step; nothing was applied.");
            }
        }

        if (run.RemovedBookmarkIds.Count > 0)
        {
            var removed = run.RemovedBookmarkIds.ToList();
            await db.Bookmarks.Where(b => removed.Contains(b.Id) && b.ClosedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.ClosedAt, now), ct);
        }

        foreach (var bookmark in state.Bookmarks)
        {
            if (run.RemovedBookmarkIds.Contains(bookmark.Id)) continue;
            if (!run.IsNewBookmark(bookmark)) continue;
            db.Bookmarks.Add(new BookmarkRecord
            {
                Id = bookmark.Id,
                WorkflowInstanceId = state.InstanceId,
                Name = bookmark.Name,
                Hash = bookmark.Hash,
                ActivityId = bookmark.ActivityId,
                ActivityNodeId = bookmark.ActivityNodeId,
                ActivityInstanceId = bookmark.ActivityInstanceId,
                CorrelationId = state.CorrelationId,
                Payload = bookmark.Payload?.ToJsonString(),
                CreatedAt = bookmark.CreatedAt,
                DueAt = bookmark.DueAt,
            });
        }

        foreach (var entry in run.NewJournalEntries)
        {
            db.Journal.Add(new JournalRecord
            {
                WorkflowInstanceId = state.InstanceId,
                Sequence = entry.Sequence,
                Timestamp = entry.Timestamp,
                EventName = entry.EventName,
                ActivityId = entry.ActivityId,
                NodeId = entry.NodeId,
                ActivityType = entry.ActivityType,
                ActivityName = entry.ActivityName,
                ActivityInstanceId = entry.ActivityInstanceId,
                Actor = entry.Actor,
                Message = entry.Message,
                Payload = entry.Payload?.ToJsonString(),
            });
        }

        if (run.TouchedExecutions.Count > 0)
        {
            var ids = run.TouchedExecutions.Keys.ToList();
            var existing = await db.ActivityExecutions.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
            foreach (var execution in run.TouchedExecutions.Values)
            {
                if (!existing.TryGetValue(execution.Id, out var record))
                {
                    record = new ActivityExecutionRecord
                    {
                        Id = execution.Id,
                        WorkflowInstanceId = state.InstanceId,
                        ActivityId = execution.ActivityId,
                        NodeId = execution.NodeId,
                        ActivityType = execution.ActivityType,
                        ActivityTypeVersion = execution.ActivityTypeVersion,
                        ActivityName = execution.ActivityName,
                        StartedAt = execution.StartedAt,
                    };
                    db.ActivityExecutions.Add(record);
                }
                record.Status = execution.Status.ToString();
                record.CompletedAt = execution.CompletedAt;
                record.HasBookmarks = execution.HasBookmarks;
                if (execution.ActivityState is not null) record.ActivityState = execution.ActivityState.ToJsonString();
                if (execution.Outputs is not null)
                {
                    // A resumed activity adds outputs (a task's result) to those it set before suspending.
                    var merged = record.Outputs is null ? new JsonObject() : JsonNode.Parse(record.Outputs) as JsonObject ?? new JsonObject();
                    foreach (var (key, value) in execution.Outputs) merged[key] = value?.DeepClone();
                    record.Outputs = merged.ToJsonString();
                }
                if (execution.Exception is not null) record.Exception = execution.Exception;
            }
        }

        var handlers = services.GetServices<IStepEffectHandler>().ToList();
        foreach (var effect in run.StepEffects)
        foreach (var handler in handlers)
            await handler.ApplyAsync(db, run, effect, ct);

        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (expectedRevision is null && IsDuplicateKey(e))
        {
            return WorkflowRunResult.Conflict(state.InstanceId, $"Instance '{state.InstanceId}' exists already.");
        }

        logger.LogDebug("Instance {InstanceId} step committed: {SubStatus}, {Bookmarks} open bookmarks", state.InstanceId, state.SubStatus, state.Bookmarks.Count);

        // Events published by this step are delivered only now that it is committed.
        foreach (var published in run.StepEffects.OfType<PublishedEvent>())
            await PublishEventAsync(published.EventName, published.CorrelationId, published.WorkflowInstanceId, published.Payload, run.Actor, ct);

        return new WorkflowRunResult(RunOutcome.Applied, state.InstanceId, state.Status, state.SubStatus, state.Bookmarks.ToList(), state.Incidents.ToList());
    }

    private static bool IsDuplicateKey(DbUpdateException e) =>
        e.InnerException?.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase) == true
        || e.InnerException?.Message.Contains("duplicate key", StringComparison.OrdinalIgnoreCase) == true;
}
