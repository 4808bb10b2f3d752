using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Model;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;

namespace PestWorkflows.Engine.Persistence;

/// <summary>Which versions of a definition a query means (Elsa's VersionOptions).</summary>
public enum VersionOptions { Latest, Published, LatestOrPublished, Draft, All }

/// <summary>
/// Definitions and their versions, with Elsa's lifecycle: saving edits the draft (or starts a new
/// draft when the latest version is published); publishing makes the latest version the one new
/// instances start from; running instances keep the version they started on.
/// <para>
/// A definition id belongs to one tenant (<see cref="Tenants"/>), the one that first saved it; only
/// that tenant saves and publishes it. Reads resolve within the caller's tenant plus the shared
/// definitions (tenant <see cref="Tenants.Shared"/>); another tenant's definition is not found.
/// </para>
/// </summary>
public sealed class WorkflowDefinitionStore(IDbContextFactory<WorkflowDbContext> dbFactory, WorkflowDefinitionJson json, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Workflow> _materialized = new();

    /// <summary>
    /// Saves a definition document as the tenant's draft; validates first, stores nothing when invalid.
    /// A new definition id becomes the tenant's; the <c>tenantId</c> in the document is not read.
    /// </summary>
    /// <exception cref="WorkflowDefinitionException">The document is not a valid definition.</exception>
    /// <exception cref="DefinitionOfOtherTenantException">The definition id belongs to another tenant (shared ones included).</exception>
    public async Task<WorkflowDefinitionRecord> SaveDraftAsync(string tenantId, JsonObject model, CancellationToken ct = default)
    {
        json.Validate(model);
        var definitionId = (string?)model["definitionId"];
        if (string.IsNullOrWhiteSpace(definitionId)) definitionId = NewId();
        // Two saves of one published definition at the same moment (the designer's auto-save and its
        // publish) both start version N+1; the database lets one in. The other then finds that draft
        // and saves into it, as if it had come a moment later.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SaveDraftOnceAsync(tenantId, definitionId, model, ct);
            }
            catch (DbUpdateException e) when (attempt < 5 && IsUniqueViolation(e))
            {
            }
        }
    }

    private static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private async Task<WorkflowDefinitionRecord> SaveDraftOnceAsync(string tenantId, string definitionId, JsonObject model, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var versions = await db.Definitions.Where(d => d.DefinitionId == definitionId).OrderByDescending(d => d.Version).ToListAsync(ct);
        if (versions.Find(v => v.TenantId != tenantId) is { } foreign) throw new DefinitionOfOtherTenantException(definitionId, foreign.TenantId);
        var latest = versions.FirstOrDefault(v => v.IsLatest) ?? versions.FirstOrDefault();
        WorkflowDefinitionRecord draft;
        if (latest is not null && !latest.IsPublished)
        {
            draft = latest;
        }
        else
        {
            if (latest is not null) latest.IsLatest = false; // it stays published
            draft = new WorkflowDefinitionRecord
            {
                Id = NewId(),
                DefinitionId = definitionId,
                TenantId = tenantId,
                Version = (versions.Count == 0 ? 0 : versions.Max(v => v.Version)) + 1,
                CreatedAt = clock.GetUtcNow(),
            };
            db.Definitions.Add(draft);
        }
        draft.IsLatest = true;
        draft.IsPublished = false;
        draft.Name = (string?)model["name"];
        draft.Description = (string?)model["description"];
        draft.Json = Stamp(model, draft).ToJsonString();
        await db.SaveChangesAsync(ct);
        _materialized.TryRemove(draft.Id, out _);
        return draft;
    }

    /// <summary>
    /// Publishes the latest version of one of the tenant's definitions. Returns it, and whether it was
    /// published already; null when the tenant has no such definition (a shared one included).
    /// </summary>
    public async Task<(WorkflowDefinitionRecord Definition, bool AlreadyPublished)?> PublishAsync(string tenantId, string definitionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var versions = await db.Definitions.Where(d => d.DefinitionId == definitionId && d.TenantId == tenantId).ToListAsync(ct);
        var latest = versions.FirstOrDefault(v => v.IsLatest);
        if (latest is null) return null;
        if (latest.IsPublished) return (latest, true);
        json.Validate(WorkflowDefinitionJson.Parse(latest.Json));
        foreach (var version in versions.Where(v => v != latest))
        {
            version.IsPublished = false;
            version.IsLatest = false;
        }
        latest.IsPublished = true;
        latest.IsLatest = true;
        latest.Json = Stamp(WorkflowDefinitionJson.Parse(latest.Json), latest).ToJsonString();
        await db.SaveChangesAsync(ct);
        return (latest, false);
    }

    /// <summary>
    /// Deletes every version of one of the tenant's definitions, as Elsa's delete does, unless an
    /// instance still runs on one of them (it could not go on without its version).
    /// </summary>
    public async Task<DefinitionDeletion> DeleteAsync(string tenantId, string definitionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var versions = await db.Definitions.Where(d => d.DefinitionId == definitionId && d.TenantId == tenantId).ToListAsync(ct);
        if (versions.Count == 0) return DefinitionDeletion.NotFound;
        var versionIds = versions.Select(v => v.Id).ToList();
        var finished = nameof(WorkflowStatus.Finished);
        if (await db.Instances.AnyAsync(i => versionIds.Contains(i.DefinitionVersionId) && i.Status != finished, ct))
            return DefinitionDeletion.InstancesRunning;
        db.Definitions.RemoveRange(versions);
        await db.SaveChangesAsync(ct);
        foreach (var id in versionIds) _materialized.TryRemove(id, out _);
        return DefinitionDeletion.Deleted;
    }

    /// <summary>
    /// Retracts the published version of one of the tenant's definitions: no version is published
    /// afterwards, so no new instance starts; running instances go on. Returns the retracted version and
    /// whether nothing was published to begin with; null when the tenant has no such definition.
    /// </summary>
    public async Task<(WorkflowDefinitionRecord Definition, bool AlreadyRetracted)?> RetractAsync(string tenantId, string definitionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var versions = await db.Definitions.Where(d => d.DefinitionId == definitionId && d.TenantId == tenantId).ToListAsync(ct);
        if (versions.Count == 0) return null;
        var published = versions.FirstOrDefault(v => v.IsPublished);
        if (published is null) return (versions.FirstOrDefault(v => v.IsLatest) ?? versions.MaxBy(v => v.Version)!, true);
        published.IsPublished = false;
        published.Json = Stamp(WorkflowDefinitionJson.Parse(published.Json), published).ToJsonString();
        await db.SaveChangesAsync(ct);
        _materialized.TryRemove(published.Id, out _);
        return (published, false);
    }

    /// <summary>
    /// Makes an earlier version of one of the tenant's definitions the latest again, as a draft: its
    /// document is saved as the draft (a new version when the latest is published). The published
    /// version, and instances running on any version, are untouched. Null when the tenant has no such
    /// version.
    /// </summary>
    /// <exception cref="WorkflowDefinitionException">The earlier version is not valid any more (an activity type was removed).</exception>
    public async Task<WorkflowDefinitionRecord?> RevertAsync(string tenantId, string definitionId, int version, CancellationToken ct = default)
    {
        WorkflowDefinitionRecord? earlier;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            earlier = await db.Definitions.AsNoTracking()
                .FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.TenantId == tenantId && d.Version == version, ct);
        if (earlier is null) return null;
        return await SaveDraftAsync(tenantId, WorkflowDefinitionJson.Parse(earlier.Json), ct);
    }

    /// <summary>The tenant that owns a definition id (<see cref="Tenants.Shared"/> for a shared one); null for an unused id.</summary>
    public async Task<string?> OwnerAsync(string definitionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId).Select(d => d.TenantId).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Whether no definition the tenant sees (its own and the shared ones), other than
    /// <paramref name="exceptDefinitionId"/>, has this name; compared without regard to case.
    /// </summary>
    public async Task<bool> IsNameUniqueAsync(string tenantId, string name, string? exceptDefinitionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await Visible(db, tenantId).Where(d => d.DefinitionId != exceptDefinitionId && d.Name != null).Select(d => d.Name!).Distinct().ToListAsync(ct);
        return !names.Any(n => string.Equals(n.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Saves and publishes in one go (used when loading definitions from disk).</summary>
    public async Task<WorkflowDefinitionRecord> ImportAsync(string tenantId, JsonObject model, bool publish, CancellationToken ct = default)
    {
        var draft = await SaveDraftAsync(tenantId, model, ct);
        if (!publish) return draft;
        var published = await PublishAsync(tenantId, draft.DefinitionId, ct);
        return published!.Value.Definition;
    }

    /// <summary>The version of a definition of the tenant, or a shared one, that the options select.</summary>
    public async Task<WorkflowDefinitionRecord?> FindAsync(string tenantId, string definitionId, VersionOptions options, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Select(Visible(db, tenantId).Where(d => d.DefinitionId == definitionId), options)
            .OrderByDescending(d => d.Version).FirstOrDefaultAsync(ct);
    }

    /// <summary>One version of a definition of the tenant, or a shared one.</summary>
    public async Task<WorkflowDefinitionRecord?> FindVersionAsync(string tenantId, string definitionVersionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, tenantId).FirstOrDefaultAsync(d => d.Id == definitionVersionId, ct);
    }

    /// <summary>The tenant's definitions and the shared ones, the versions the options select.</summary>
    public async Task<IReadOnlyList<WorkflowDefinitionRecord>> ListAsync(string tenantId, VersionOptions options, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Select(Visible(db, tenantId), options).OrderBy(d => d.Name).ThenBy(d => d.Version).ToListAsync(ct);
    }

    /// <summary>Every version of one definition of the tenant, or a shared one, oldest first; empty when it sees none.</summary>
    public async Task<IReadOnlyList<WorkflowDefinitionRecord>> VersionsAsync(string tenantId, string definitionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Visible(db, tenantId).Where(d => d.DefinitionId == definitionId).OrderBy(d => d.Version).ToListAsync(ct);
    }

    private static IQueryable<WorkflowDefinitionRecord> Visible(WorkflowDbContext db, string tenantId) =>
        db.Definitions.AsNoTracking().Where(d => d.TenantId == tenantId || d.TenantId == Tenants.Shared);

    /// <summary>Elsa's version filter.</summary>
    private static IQueryable<WorkflowDefinitionRecord> Select(IQueryable<WorkflowDefinitionRecord> query, VersionOptions options) => options switch
    {
        VersionOptions.Latest => query.Where(d => d.IsLatest),
        VersionOptions.Published => query.Where(d => d.IsPublished),
        VersionOptions.LatestOrPublished => query.Where(d => d.IsLatest || d.IsPublished),
        VersionOptions.Draft => query.Where(d => !d.IsPublished),
        _ => query,
    };

    /// <summary>The executable workflow of one version, built once and cached.</summary>
    public Workflow Materialize(WorkflowDefinitionRecord record) =>
        _materialized.GetOrAdd(record.Id, _ => json.Materialize(WorkflowDefinitionJson.Parse(record.Json), record.DefinitionId, record.Id, record.Version));

    /// <summary>
    /// The executable workflow of the version <paramref name="options"/> selects of a definition of the tenant (or
    /// a shared one); null when there is none. Asks the database which version that is, and reads its document
    /// only when that version is not built yet: a protocol's document is tens of kilobytes, and every signal
    /// starts an instance of it.
    /// </summary>
    public async Task<Workflow?> FindWorkflowAsync(string tenantId, string definitionId, VersionOptions options, CancellationToken ct = default)
    {
        string? versionId;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            versionId = await Select(Visible(db, tenantId).Where(d => d.DefinitionId == definitionId), options)
                .OrderByDescending(d => d.Version).Select(d => d.Id).FirstOrDefaultAsync(ct);
        return versionId is null ? null : await LoadWorkflowAsync(versionId, ct);
    }

    /// <summary>The workflow of the version an instance runs on (whose tenant was checked when it started).</summary>
    internal async Task<Workflow?> LoadWorkflowAsync(string definitionVersionId, CancellationToken ct = default)
    {
        if (_materialized.TryGetValue(definitionVersionId, out var cached)) return cached;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var record = await db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == definitionVersionId, ct);
        return record is null ? null : Materialize(record);
    }

    /// <summary>Writes the version's identity into the stored document, as Elsa's API returns it.</summary>
    private static JsonObject Stamp(JsonObject model, WorkflowDefinitionRecord record)
    {
        var copy = WorkflowDefinitionJson.Write(model);
        copy["id"] = record.Id;
        copy["definitionId"] = record.DefinitionId;
        copy["tenantId"] = record.TenantId;
        copy["version"] = record.Version;
        copy["isLatest"] = record.IsLatest;
        copy["isPublished"] = record.IsPublished;
        copy["createdAt"] = record.CreatedAt.ToString("O");
        return copy;
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..16];
}
