using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Engine.Persistence;

/// <summary>
/// Read access to one tenant's instances and what they left behind (journal, activity executions,
/// open bookmarks), and deleting an instance. Everything resolves within the caller's tenant: another
/// tenant's instance is not found, exactly like an id that does not exist. Callers outside the engine
/// use this instead of the engine's tables.
/// </summary>
public sealed class WorkflowInstanceStore(IDbContextFactory<WorkflowDbContext> dbFactory)
{
    /// <summary>A page of the tenant's instances matching the query, and how many match in all.</summary>
    public async Task<(IReadOnlyList<WorkflowInstanceRecord> Items, long TotalCount)> ListAsync(string tenantId, InstanceQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var instances = Of(db, tenantId);
        if (query.Ids is { Count: > 0 } ids) instances = instances.Where(i => ids.Contains(i.Id));
        if (query.DefinitionIds is { Count: > 0 } definitionIds) instances = instances.Where(i => definitionIds.Contains(i.DefinitionId));
        if (!string.IsNullOrWhiteSpace(query.CorrelationId)) instances = instances.Where(i => i.CorrelationId == query.CorrelationId);
        if (!string.IsNullOrWhiteSpace(query.Name)) instances = instances.Where(i => i.Name == query.Name);
        if (query.Version is { } version) instances = instances.Where(i => i.Version == version);
        if (query.HasIncidents is { } hasIncidents) instances = instances.Where(i => (i.IncidentCount > 0) == hasIncidents);
        if (query.Statuses is { Count: > 0 } statuses) instances = instances.Where(i => statuses.Contains(i.Status));
        if (query.SubStatuses is { Count: > 0 } subStatuses) instances = instances.Where(i => subStatuses.Contains(i.SubStatus));
        if (!string.IsNullOrWhiteSpace(query.SearchTerm))
        {
            var term = query.SearchTerm.Trim();
            instances = instances.Where(i => i.Id == term || i.DefinitionId.Contains(term)
                || (i.Name != null && i.Name.Contains(term)) || (i.CorrelationId != null && i.CorrelationId.Contains(term)));
        }

        var ascending = query.Ascending;
        var ordered = query.OrderBy.ToLowerInvariant() switch
        {
            "updated" or "updatedat" => ascending ? instances.OrderBy(i => i.UpdatedAt) : instances.OrderByDescending(i => i.UpdatedAt),
            "finished" or "finishedat" => ascending ? instances.OrderBy(i => i.FinishedAt) : instances.OrderByDescending(i => i.FinishedAt),
            "name" => ascending ? instances.OrderBy(i => i.Name) : instances.OrderByDescending(i => i.Name),
            _ => ascending ? instances.OrderBy(i => i.CreatedAt) : instances.OrderByDescending(i => i.CreatedAt),
        };
        instances = ascending ? ordered.ThenBy(i => i.Id) : ordered.ThenByDescending(i => i.Id);

        var total = await instances.LongCountAsync(ct);
        if (query.Skip > 0) instances = instances.Skip(query.Skip);
        if (query.Take is { } take) instances = instances.Take(take);
        return (await instances.ToListAsync(ct), total);
    }

    /// <summary>One of the tenant's instances, with its state document; null when the tenant has none with this id.</summary>
    public async Task<WorkflowInstanceRecord?> FindAsync(string tenantId, string instanceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Of(db, tenantId).FirstOrDefaultAsync(i => i.Id == instanceId, ct);
    }

    /// <summary>Whether the tenant has an instance with this id.</summary>
    public async Task<bool> ExistsAsync(string tenantId, string instanceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Of(db, tenantId).AnyAsync(i => i.Id == instanceId, ct);
    }

    /// <summary>
    /// The journal lines of one of the tenant's instances that the query selects, in sequence order,
    /// and how many it selects in all; null when the tenant has no such instance.
    /// </summary>
    public async Task<(IReadOnlyList<JournalRecord> Items, long TotalCount)?> JournalAsync(string tenantId, string instanceId, JournalQuery query, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await Of(db, tenantId).AnyAsync(i => i.Id == instanceId, ct)) return null;
        var lines = db.Journal.AsNoTracking().Where(j => j.WorkflowInstanceId == instanceId);
        if (query.ActivityIds is { Count: > 0 } activityIds) lines = lines.Where(j => j.ActivityId != null && activityIds.Contains(j.ActivityId));
        if (query.NodeIds is { Count: > 0 } nodeIds) lines = lines.Where(j => j.NodeId != null && nodeIds.Contains(j.NodeId));
        if (query.ExcludedActivityTypes is { Count: > 0 } excluded) lines = lines.Where(j => j.ActivityType == null || !excluded.Contains(j.ActivityType));
        if (query.EventNames is { Count: > 0 } eventNames) lines = lines.Where(j => eventNames.Contains(j.EventName));

        var total = await lines.LongCountAsync(ct);
        lines = lines.OrderBy(j => j.Sequence);
        if (query.Skip > 0) lines = lines.Skip(query.Skip);
        if (query.Take is { } take) lines = lines.Take(take);
        return (await lines.ToListAsync(ct), total);
    }

    /// <summary>
    /// The activity executions of one of the tenant's instances, oldest first, narrowed to the given
    /// node ids when there are any; null when the tenant has no such instance.
    /// </summary>
    public async Task<IReadOnlyList<ActivityExecutionRecord>?> ActivityExecutionsAsync(string tenantId, string instanceId,
        IReadOnlyCollection<string>? nodeIds = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await Of(db, tenantId).AnyAsync(i => i.Id == instanceId, ct)) return null;
        var records = db.ActivityExecutions.AsNoTracking().Where(a => a.WorkflowInstanceId == instanceId);
        if (nodeIds is { Count: > 0 }) records = records.Where(a => nodeIds.Contains(a.NodeId));
        return await records.OrderBy(a => a.StartedAt).ThenBy(a => a.Id).ToListAsync(ct);
    }

    /// <summary>One activity execution of one of the tenant's instances; null otherwise.</summary>
    public async Task<ActivityExecutionRecord?> FindActivityExecutionAsync(string tenantId, string activityExecutionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ActivityExecutions.AsNoTracking()
            .Where(a => a.Id == activityExecutionId && db.Instances.Any(i => i.Id == a.WorkflowInstanceId && i.TenantId == tenantId))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The id of the tenant's open bookmark with this stimulus hash (see <see cref="Runtime.StimulusHasher"/>); null when none waits.</summary>
    public async Task<string?> FindOpenBookmarkIdAsync(string tenantId, string hash, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Bookmarks.AsNoTracking()
            .Where(b => b.Hash == hash && b.TenantId == tenantId && b.ClosedAt == null)
            .Select(b => b.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Deletes one of the tenant's instances with its bookmarks, journal and activity executions, in one
    /// transaction. False when the tenant has no such instance.
    /// </summary>
    public async Task<bool> DeleteAsync(string tenantId, string instanceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Instances.Where(i => i.Id == instanceId && i.TenantId == tenantId).ExecuteDeleteAsync(ct);
        if (deleted == 0) return false;
        await db.Bookmarks.Where(b => b.WorkflowInstanceId == instanceId).ExecuteDeleteAsync(ct);
        await db.Journal.Where(j => j.WorkflowInstanceId == instanceId).ExecuteDeleteAsync(ct);
        await db.ActivityExecutions.Where(a => a.WorkflowInstanceId == instanceId).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Removes the data a finished instance carried (variables, input, output, activity properties and
    /// outputs, bookmark payloads, journal payloads and messages, incident details, its outbox rows'
    /// payloads) while keeping what counts need: status, times, activity ids and types, journal event
    /// names. For records kept past their retention period (AVG): the instance stays countable, nothing
    /// in it identifies a person. One transaction; doing it again changes nothing.
    /// </summary>
    public async Task<InstanceAnonymisation> AnonymiseAsync(string tenantId, string instanceId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var instance = await db.Instances.FirstOrDefaultAsync(i => i.Id == instanceId && i.TenantId == tenantId, ct);
        if (instance is null) return InstanceAnonymisation.NotFound;
        if (instance.Status != nameof(WorkflowStatus.Finished)) return InstanceAnonymisation.NotFinished;

        var state = JsonSerializer.Deserialize<WorkflowState>(instance.State, WorkflowRuntime.StateJson)!;
        foreach (var name in state.Variables.Keys.ToList()) state.Variables[name] = null;
        state.Input.Clear();
        state.Output = null;
        foreach (var context in state.Contexts)
        {
            context.Properties = null;
            context.Input = null;
        }
        foreach (var bookmark in state.Bookmarks) bookmark.Payload = null;
        foreach (var incident in state.Incidents)
        {
            // An exception's message can quote the data it choked on; its type says enough afterwards.
            incident.Message = "";
            incident.StackTrace = null;
        }
        instance.State = JsonSerializer.Serialize(state, WorkflowRuntime.StateJson);
        instance.Revision++;
        await db.SaveChangesAsync(ct);

        await db.Bookmarks.Where(b => b.WorkflowInstanceId == instanceId).ExecuteUpdateAsync(u => u.SetProperty(b => b.Payload, (string?)null), ct);
        await db.Journal.Where(j => j.WorkflowInstanceId == instanceId)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.Payload, (string?)null).SetProperty(j => j.Message, (string?)null), ct);
        await db.ActivityExecutions.Where(a => a.WorkflowInstanceId == instanceId).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.ActivityState, (string?)null).SetProperty(a => a.Outputs, (string?)null).SetProperty(a => a.Exception, (string?)null), ct);
        // Only settled rows: a message still to be delivered needs its payload.
        await db.Outbox.Where(o => o.WorkflowInstanceId == instanceId && o.Status != OutboxStatus.Pending)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Payload, "{}").SetProperty(o => o.LastError, (string?)null), ct);
        await transaction.CommitAsync(ct);
        return InstanceAnonymisation.Anonymised;
    }

    private static IQueryable<WorkflowInstanceRecord> Of(WorkflowDbContext db, string tenantId) =>
        db.Instances.AsNoTracking().Where(i => i.TenantId == tenantId);
}
