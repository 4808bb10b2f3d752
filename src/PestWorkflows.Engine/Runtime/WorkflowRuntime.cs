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
/// row). Handlers run after the step's own rows (instance, bookmarks, journal, execution records)
/// are written, on the same connection and transaction; entities they add to <c>db</c> are saved
/// with the step. Register implementations in DI; every handler sees every effect and picks its own.
/// </summary>
public interface IStepEffectHandler
{
    /// <summary>
    /// Before the step's transaction, on the same connection: reads what <see cref="ApplyAsync"/> will
    /// need and prepares its rows. On SQLite only one step writes at a time, so work done here instead of
    /// in <see cref="ApplyAsync"/> does not hold up the steps queued behind this one. Nothing read here is
    /// locked: what another writer may change before the step commits must be checked when written (a
    /// concurrency token). Every effect of the step is prepared by every handler before any is applied;
    /// if the step then conflicts or fails, nothing prepared is written.
    /// </summary>
    ValueTask PrepareAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct) => ValueTask.CompletedTask;

    ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct);
}

/// <summary>
/// The persistent runtime: starts instances, resumes bookmarks, completes tasks, publishes events,
/// each within the caller's tenant (<see cref="Tenants"/>): an instance belongs to its starter's
/// tenant, its bookmarks to the instance's, and a bookmark of another tenant is not found.
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
    internal static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Starts a new instance of the published version of a definition of the starter's tenant
    /// (<see cref="StartWorkflowOptions.TenantId"/>) or a shared one; the instance is the starter's tenant's.
    /// </summary>
    public async Task<WorkflowRunResult> StartAsync(string definitionId, StartWorkflowOptions? options = null, CancellationToken ct = default)
    {
        var workflow = await definitions.FindWorkflowAsync(options?.TenantId ?? Tenants.Default, definitionId, VersionOptions.Published, ct);
        if (workflow is null) return WorkflowRunResult.NotFound($"Definition '{definitionId}' has no published version.");
        return await StartAsync(workflow, options, ct);
    }

    /// <summary>Starts a new instance of one specific definition version (of the starter's tenant or a shared one).</summary>
    public async Task<WorkflowRunResult> StartVersionAsync(string definitionVersionId, StartWorkflowOptions? options = null, CancellationToken ct = default)
    {
        var record = await definitions.FindVersionAsync(options?.TenantId ?? Tenants.Default, definitionVersionId, ct);
        if (record is null) return WorkflowRunResult.NotFound($"Definition version '{definitionVersionId}' does not exist.");
        return await StartAsync(definitions.Materialize(record), options, ct);
    }

    private async Task<WorkflowRunResult> StartAsync(Workflow workflow, StartWorkflowOptions? options, CancellationToken ct)
    {
        var run = await runner.StartAsync(workflow, options, ct);
        await using var lease = await ContextAsync(ct);
        var db = lease.Db;
        return await CommitAsync(db, run, previous: null, knownOutputs: null, ct);
    }

    /// <summary>Resumes one bookmark of the tenant with the given input.</summary>
    public Task<WorkflowRunResult> ResumeAsync(string tenantId, string bookmarkId, IDictionary<string, JsonNode?>? input = null, string? actor = null,
        CancellationToken ct = default) =>
        ResumeAsync(tenantId, bookmarkId, input, actor, eventDepth: 0, ct);

    private async Task<WorkflowRunResult> ResumeAsync(string tenantId, string bookmarkId, IDictionary<string, JsonNode?>? input, string? actor,
        int eventDepth, CancellationToken ct)
    {
        await using var lease = await ContextAsync(ct);
        var db = lease.Db;
        // One query reads the bookmark, its instance and the record of the activity that owns it.
        var bookmark = await StepStore.For(db).FindBookmarkAsync(db, tenantId, bookmarkId, ct);
        if (bookmark is null) return WorkflowRunResult.NotFound($"Bookmark '{bookmarkId}' does not exist.");
        return await ResumeAsync(db, bookmark, input, actor, eventDepth, ct);
    }

    /// <summary>Completes an <c>Elsa.RunTask</c> task of the tenant: resumes its bookmark with <c>RunTaskInput = result</c>.</summary>
    public async Task<WorkflowRunResult> CompleteTaskAsync(string tenantId, string taskId, JsonNode? result, string? actor = null, CancellationToken ct = default)
    {
        var hash = StimulusHasher.Hash("Elsa.RunTask", RunTask.TaskStimulus(taskId), null);
        await using var lease = await ContextAsync(ct);
        var db = lease.Db;
        // As above, by the task's hash; an open bookmark is preferred over a closed one.
        var bookmark = await StepStore.For(db).FindBookmarkByHashAsync(db, tenantId, hash, ct);
        if (bookmark is null) return WorkflowRunResult.NotFound($"Task '{taskId}' does not exist.");
        return await ResumeAsync(db, bookmark, new Dictionary<string, JsonNode?> { [RunTask.ResultInputKey] = result?.DeepClone() }, actor, eventDepth: 0, ct);
    }

    private async Task<WorkflowRunResult> ResumeAsync(WorkflowDbContext db, BookmarkRow bookmark, IDictionary<string, JsonNode?>? input, string? actor,
        int eventDepth, CancellationToken ct)
    {
        if (bookmark.Closed)
            return WorkflowRunResult.Conflict(bookmark.WorkflowInstanceId, $"Bookmark '{bookmark.Id}' was resumed already.");
        if (bookmark.Instance is not { } instance)
            return WorkflowRunResult.NotFound($"Instance '{bookmark.WorkflowInstanceId}' does not exist.");
        var (state, workflow) = await MaterializeAsync(instance, ct);
        if (!state.Bookmarks.Exists(b => b.Id == bookmark.Id))
            return WorkflowRunResult.Conflict(instance.Id, $"Bookmark '{bookmark.Id}' was resumed already.");

        var run = await runner.ResumeAsync(workflow, state, bookmark.Id, input, actor, ct, eventDepth);
        var knownOutputs = bookmark.ExecutionId is null ? null : new Dictionary<string, string?>(StringComparer.Ordinal) { [bookmark.ExecutionId] = bookmark.ExecutionOutputs };
        return await CommitAsync(db, run, instance, knownOutputs, ct);
    }

    /// <summary>
    /// Publishes an event within a tenant: resumes every open <c>Elsa.Event</c> bookmark of the tenant
    /// for that name, limited to instances with the given correlation id (or the given instance) when
    /// one is given. Returns the steps applied.
    /// </summary>
    public Task<IReadOnlyList<WorkflowRunResult>> PublishEventAsync(string tenantId, string eventName, string? correlationId = null, string? workflowInstanceId = null,
        JsonNode? payload = null, string? actor = null, CancellationToken ct = default) =>
        PublishEventAsync(tenantId, eventName, correlationId, workflowInstanceId, payload, actor, eventDepth: 1, ct);

    /// <param name="eventDepth">The depth of this delivery: 1 for a caller's publish, one more for each workflow's publish after it.</param>
    private async Task<IReadOnlyList<WorkflowRunResult>> PublishEventAsync(string tenantId, string eventName, string? correlationId, string? workflowInstanceId,
        JsonNode? payload, string? actor, int eventDepth, CancellationToken ct)
    {
        var hash = StimulusHasher.Hash("Elsa.Event", Event.EventStimulus(eventName), null);
        List<string> ids;
        await using (var lease = await ContextAsync(ct))
        {
            var query = lease.Db.Bookmarks.AsNoTracking().Where(b => b.TenantId == tenantId && b.Hash == hash && b.ClosedAt == null);
            if (correlationId is not null) query = query.Where(b => b.CorrelationId == correlationId);
            if (workflowInstanceId is not null) query = query.Where(b => b.WorkflowInstanceId == workflowInstanceId);
            ids = await query.OrderBy(b => b.CreatedAt).Select(b => b.Id).ToListAsync(ct);
        }
        var results = new List<WorkflowRunResult>();
        foreach (var id in ids)
        {
            var input = new Dictionary<string, JsonNode?> { [Event.PayloadInputKey] = payload?.DeepClone() ?? new JsonObject() };
            results.Add(await ResumeAsync(tenantId, id, input, actor, eventDepth, ct));
        }
        return results;
    }

    /// <summary>Delivers an event from the outbox (see <see cref="PublishedEventOutboxHandler"/>).</summary>
    internal Task<IReadOnlyList<WorkflowRunResult>> DeliverEventAsync(string tenantId, PublishedEventDelivery delivery, CancellationToken ct) =>
        PublishEventAsync(tenantId, delivery.EventName, delivery.CorrelationId, delivery.WorkflowInstanceId, delivery.Payload, delivery.Actor, delivery.EventDepth, ct);

    private OutboxDispatcher Dispatcher => _dispatcher ??= services.GetRequiredService<OutboxDispatcher>();
    private Outbox Outbox => _outbox ??= services.GetRequiredService<Outbox>();
    private WorkflowEngineOptions Options => _options ??= services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WorkflowEngineOptions>>().Value;
    private OutboxDispatcher? _dispatcher;
    private Outbox? _outbox;
    private WorkflowEngineOptions? _options;

    /// <summary>Retries the open incidents of a faulted instance.</summary>
    public Task<WorkflowRunResult> RetryAsync(string instanceId, string? actor = null, CancellationToken ct = default) =>
        RunOnInstanceAsync(instanceId, (workflow, state) => runner.RetryAsync(workflow, state, actor, ct), ct);

    /// <summary>Cancels an instance.</summary>
    public Task<WorkflowRunResult> CancelAsync(string instanceId, string? actor = null, CancellationToken ct = default) =>
        RunOnInstanceAsync(instanceId, (workflow, state) => Task.FromResult(runner.Cancel(workflow, state, actor)), ct);

    /// <summary>Loads an instance, runs something on it, and commits that as one step.</summary>
    private async Task<WorkflowRunResult> RunOnInstanceAsync(string instanceId,
        Func<Workflow, WorkflowState, Task<WorkflowExecutionContext>> run, CancellationToken ct)
    {
        await using var lease = await ContextAsync(ct);
        var db = lease.Db;
        var instance = await StepStore.For(db).FindInstanceAsync(db, instanceId, ct);
        if (instance is null) return WorkflowRunResult.NotFound($"Instance '{instanceId}' does not exist.");
        var (state, workflow) = await MaterializeAsync(instance, ct);
        return await CommitAsync(db, await run(workflow, state), instance, knownOutputs: null, ct);
    }

    public async Task<WorkflowState?> GetStateAsync(string instanceId, CancellationToken ct = default)
    {
        InstanceRow? instance;
        await using (var lease = await ContextAsync(ct))
            instance = await StepStore.For(lease.Db).FindInstanceAsync(lease.Db, instanceId, ct);
        if (instance is null) return null;
        var state = JsonSerializer.Deserialize<WorkflowState>(instance.State, StateJson)!;
        state.TenantId = instance.TenantId;
        return state;
    }

    private SqliteStepSessions? _sessions;
    private volatile bool _sessionsResolved;

    /// <summary>The context for one operation: on SQLite one of the runtime's kept-open contexts, else a pooled one.</summary>
    private async ValueTask<StepContext> ContextAsync(CancellationToken ct)
    {
        if (!_sessionsResolved)
        {
            _sessions = services.GetService<SqliteStepSessions>();
            _sessionsResolved = true;
        }
        return _sessions is { } sessions
            ? new StepContext(await sessions.RentAsync(ct), sessions)
            : new StepContext(await dbFactory.CreateDbContextAsync(ct), null);
    }

    private readonly struct StepContext(WorkflowDbContext db, SqliteStepSessions? sessions) : IAsyncDisposable
    {
        public WorkflowDbContext Db => db;
        public ValueTask DisposeAsync() => sessions?.ReturnAsync(db) ?? db.DisposeAsync();
    }

    private async Task<(WorkflowState, Workflow)> MaterializeAsync(InstanceRow instance, CancellationToken ct)
    {
        var state = JsonSerializer.Deserialize<WorkflowState>(instance.State, StateJson)!;
        // The row is the truth: state written before instances had a tenant has none.
        state.TenantId = instance.TenantId;
        var workflow = await definitions.LoadWorkflowAsync(instance.DefinitionVersionId, ct)
            ?? throw new InvalidOperationException($"Instance {instance.Id} runs on definition version {instance.DefinitionVersionId}, which no longer exists.");
        return (state, workflow);
    }

    /// <summary>
    /// Commits one step in one transaction: the instance (inserted, or updated if its revision is still
    /// the one the step started from; else nothing is applied and the result is a conflict), the
    /// bookmarks it closed and opened, its journal lines and execution records, and the step effects.
    /// </summary>
    /// <param name="previous">The instance row the step started from; null for a new instance.</param>
    /// <param name="knownOutputs">Stored outputs of execution records read before the step (by record id).</param>
    private async Task<WorkflowRunResult> CommitAsync(WorkflowDbContext db, WorkflowExecutionContext run, InstanceRow? previous,
        Dictionary<string, string?>? knownOutputs, CancellationToken ct)
    {
        var state = run.State;
        var now = clock.GetUtcNow();
        var instance = new WorkflowInstanceRecord
        {
            Id = state.InstanceId,
            TenantId = state.TenantId,
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
            State = JsonSerializer.Serialize(state, StateJson),
            Revision = 1,
        };
        var newBookmarks = NewBookmarkRecords(run);
        var journal = JournalRecords(run);
        var store = StepStore.For(db);
        List<string>? events = null;
        var otherRows = false;

        var handlers = run.StepEffects.Count > 0 ? services.GetServices<IStepEffectHandler>().ToList() : [];
        foreach (var effect in run.StepEffects)
        foreach (var handler in handlers)
            await handler.PrepareAsync(db, run, effect, ct);

        var writer = db is SqliteWorkflowDbContext ? _sessions : null;
        if (writer is not null) await writer.EnterWriterAsync(ct);
        try
        {
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                var written = previous is null
                    ? await store.InsertInstanceAsync(db, instance, ct)
                    : await store.UpdateInstanceAsync(db, instance, previous, previous.Revision, ct);
                if (written != InstanceWrite.Applied)
                {
                    await transaction.RollbackAsync(ct);
                    return written == InstanceWrite.Duplicate
                        ? WorkflowRunResult.Conflict(state.InstanceId, $"Instance '{state.InstanceId}' exists already.")
                        : WorkflowRunResult.Conflict(state.InstanceId, $"Instance '{state.InstanceId}' was changed by another step; nothing was applied.");
                }

                // From here on the instance is ours until commit, so what was read before the step is current.
                var executions = await ExecutionRecordsAsync(db, store, run, knownOutputs, ct);
                await store.WriteRowsAsync(db, run.RemovedBookmarkIds, now, newBookmarks, journal, executions, ct);

                if (run.StepEffects.Count > 0)
                {
                    // Events published by this step become outbox rows of the step: delivered once it has
                    // committed, within the instance's tenant, one delivery deeper than the one that resumed it.
                    foreach (var effect in run.StepEffects)
                        if (effect is PublishedEvent published)
                            (events ??= []).Add(Outbox.Add(db, PublishedEventOutboxHandler.TypeName, state.TenantId,
                                JsonSerializer.Serialize(new PublishedEventDelivery(published.EventName, published.CorrelationId, published.WorkflowInstanceId,
                                    published.Payload, run.Actor, run.EventDepth + 1), PublishedEventOutboxHandler.Json), state.InstanceId).Id);
                    foreach (var effect in run.StepEffects)
                    foreach (var handler in handlers)
                        await handler.ApplyAsync(db, run, effect, ct);
                    otherRows = db.ChangeTracker.Entries<OutboxMessageRecord>().Count(e => e.State == EntityState.Added) > (events?.Count ?? 0);
                    if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
                }
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            writer?.ExitWriter();
        }

        if (logger.IsEnabled(LogLevel.Debug))
            logger.LogDebug("Instance {InstanceId} step committed: {SubStatus}, {Bookmarks} open bookmarks", state.InstanceId, state.SubStatus, state.Bookmarks.Count);

        if (otherRows || (events is not null && !Options.DeliverEventsAfterStep)) Dispatcher.Wake();
        if (events is not null && Options.DeliverEventsAfterStep)
        {
            try
            {
                await Dispatcher.DispatchAsync(events, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The step is committed and so are its rows: the background dispatcher delivers them.
                logger.LogWarning(e, "Delivering the events of instance {InstanceId}'s step failed; the outbox retries", state.InstanceId);
                Dispatcher.Wake();
            }
        }

        return new WorkflowRunResult(RunOutcome.Applied, state.InstanceId, state.Status, state.SubStatus, state.Bookmarks.ToList(), state.Incidents.ToList());
    }

    private static List<BookmarkRecord> NewBookmarkRecords(WorkflowExecutionContext run)
    {
        var state = run.State;
        var records = new List<BookmarkRecord>();
        foreach (var bookmark in state.Bookmarks)
        {
            if (run.RemovedBookmarkIds.Contains(bookmark.Id)) continue;
            if (!run.IsNewBookmark(bookmark)) continue;
            records.Add(new BookmarkRecord
            {
                Id = bookmark.Id,
                WorkflowInstanceId = state.InstanceId,
                TenantId = state.TenantId,
                Name = bookmark.Name,
                Hash = bookmark.Hash,
                ActivityId = bookmark.ActivityId,
                ActivityNodeId = bookmark.ActivityNodeId,
                ActivityInstanceId = bookmark.ActivityInstanceId,
                CorrelationId = state.CorrelationId,
                Payload = bookmark.Payload?.ToJsonString(),
                CreatedAt = bookmark.CreatedAt,
                // PostgreSQL stores only UTC instants; a deadline computed in school time has its local offset.
                DueAt = bookmark.DueAt?.ToUniversalTime(),
            });
        }
        return records;
    }

    private static List<JournalRecord> JournalRecords(WorkflowExecutionContext run)
    {
        var records = new List<JournalRecord>(run.NewJournalEntries.Count);
        foreach (var entry in run.NewJournalEntries)
        {
            records.Add(new JournalRecord
            {
                WorkflowInstanceId = run.State.InstanceId,
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
        return records;
    }

    /// <summary>
    /// The execution records the step touched, as rows to upsert: a new row has every column; for an
    /// existing row the store only overwrites status, completion and bookmarks, and the state, outputs
    /// and exception when set. Outputs add to the stored ones (a resumed task adds its result to the
    /// task id it set before suspending), so those are read first unless the row is new or known.
    /// </summary>
    private static async Task<List<ActivityExecutionRecord>> ExecutionRecordsAsync(WorkflowDbContext db, StepStore store, WorkflowExecutionContext run,
        Dictionary<string, string?>? knownOutputs, CancellationToken ct)
    {
        var records = new List<ActivityExecutionRecord>(run.TouchedExecutions.Count);
        if (run.TouchedExecutions.Count == 0) return records;
        List<string>? unknown = null;
        foreach (var execution in run.TouchedExecutions.Values)
            if (execution.Outputs is not null && !run.IsNewExecution(execution.Id) && knownOutputs?.ContainsKey(execution.Id) != true)
                (unknown ??= []).Add(execution.Id);
        var stored = unknown is null ? null : await store.ReadOutputsAsync(db, unknown, ct);

        foreach (var execution in run.TouchedExecutions.Values)
        {
            string? outputs = null;
            if (execution.Outputs is not null)
            {
                string? previous = null;
                if (!run.IsNewExecution(execution.Id) && !(knownOutputs?.TryGetValue(execution.Id, out previous) ?? false))
                    stored?.TryGetValue(execution.Id, out previous);
                var merged = previous is null ? new JsonObject() : JsonNode.Parse(previous) as JsonObject ?? new JsonObject();
                foreach (var (key, value) in execution.Outputs) merged[key] = value?.DeepClone();
                outputs = merged.ToJsonString();
            }
            records.Add(new ActivityExecutionRecord
            {
                Id = execution.Id,
                WorkflowInstanceId = run.State.InstanceId,
                ActivityId = execution.ActivityId,
                NodeId = execution.NodeId,
                ActivityType = execution.ActivityType,
                ActivityTypeVersion = execution.ActivityTypeVersion,
                ActivityName = execution.ActivityName,
                StartedAt = execution.StartedAt,
                Status = execution.Status.ToString(),
                CompletedAt = execution.CompletedAt,
                HasBookmarks = execution.HasBookmarks,
                ActivityState = execution.ActivityState?.ToJsonString(),
                Outputs = outputs,
                Exception = execution.Exception,
            });
        }
        return records;
    }
}
