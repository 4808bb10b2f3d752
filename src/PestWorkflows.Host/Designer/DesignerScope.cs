using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// What the signed-in designer (a coordinator or admin) may see and act on in the Elsa API. A
/// definition belongs to a school when its stored document has <c>customProperties.schoolId</c>;
/// one without it is shared (the template, examples). A designer sees their own school's
/// definitions and the shared ones, and the instances of those; everything else is answered as if
/// it did not exist. A definition id counts as another school's as soon as any of its versions is.
/// <para>
/// Bound per request as a handler parameter (<see cref="BindAsync"/>) from <see cref="StaffAccessor"/>.
/// Without a staff record behind the request it sees nothing.
/// </para>
/// </summary>
public sealed class DesignerScope
{
    /// <summary>The key in a definition's <c>customProperties</c> naming the school it belongs to.</summary>
    public const string SchoolIdProperty = "schoolId";

    private readonly string? _schoolId;
    private readonly IDbContextFactory<WorkflowDbContext> _dbFactory;
    private HashSet<string>? _visibleDefinitionIds;

    public DesignerScope(string? schoolId, IDbContextFactory<WorkflowDbContext> dbFactory)
    {
        _schoolId = string.IsNullOrEmpty(schoolId) ? null : schoolId;
        _dbFactory = dbFactory;
    }

    /// <summary>The school whose definitions this designer sees besides the shared ones (null: sees nothing).</summary>
    public string? SchoolId => _schoolId;

    /// <summary>Minimal API binding: the scope of the staff member behind the request.</summary>
    public static async ValueTask<DesignerScope?> BindAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var staff = await services.GetRequiredService<StaffAccessor>().GetAsync(context.User);
        return new DesignerScope(staff?.SchoolId, services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>());
    }

    // ---- ownership of a document -------------------------------------------------------------

    /// <summary>The school a definition document belongs to; null when it is shared.</summary>
    public static string? OwnerOf(JsonObject document) =>
        (document["customProperties"] as JsonObject)?[SchoolIdProperty] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            var other => other.ToJsonString(), // not written by this host; still not shared
        };

    private static string? OwnerOf(string storedJson) =>
        JsonNode.Parse(storedJson) is JsonObject document ? OwnerOf(document) : null;

    /// <summary>Makes a document belong to <paramref name="schoolId"/>, or shared when null; the rest is kept as is.</summary>
    public static void SetOwner(JsonObject document, string? schoolId)
    {
        var properties = document["customProperties"] as JsonObject;
        if (schoolId is null)
        {
            properties?.Remove(SchoolIdProperty);
            return;
        }
        if (properties is null) document["customProperties"] = properties = new JsonObject();
        properties[SchoolIdProperty] = schoolId;
    }

    private bool Sees(string? owner) => _schoolId is not null && (owner is null || owner == _schoolId);

    // ---- definitions -------------------------------------------------------------------------

    /// <summary>Whether the designer sees the definition these are the versions of (all of them, as loaded).</summary>
    public bool Sees(IEnumerable<WorkflowDefinitionRecord> versions) => versions.All(v => Sees(OwnerOf(v.Json)));

    /// <summary>Whether the designer sees this definition id; an unknown id is not seen.</summary>
    public async Task<bool> SeesDefinitionAsync(string definitionId, CancellationToken ct)
    {
        if (_visibleDefinitionIds is { } known) return known.Contains(definitionId);
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var documents = await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId).Select(d => d.Json).ToListAsync(ct);
        return documents.Count > 0 && documents.All(json => Sees(OwnerOf(json)));
    }

    /// <summary>Every definition id the designer sees, read once per request.</summary>
    public async Task<IReadOnlySet<string>> VisibleDefinitionIdsAsync(CancellationToken ct)
    {
        if (_visibleDefinitionIds is { } known) return known;
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var versions = await db.Definitions.AsNoTracking().Select(d => new { d.DefinitionId, d.Json }).ToListAsync(ct);
        return _visibleDefinitionIds = versions
            .GroupBy(v => v.DefinitionId, StringComparer.Ordinal)
            .Where(g => g.All(v => Sees(OwnerOf(v.Json))))
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Sets the owner of a model about to be saved: an existing definition keeps its owner (shared
    /// stays shared, whatever the body says), a new one becomes the designer's school's. False when
    /// the definition id is one the designer does not see: nothing may be stored then.
    /// </summary>
    public async Task<bool> TryClaimForSaveAsync(JsonObject model, CancellationToken ct)
    {
        if (_schoolId is null) return false;
        var definitionId = (model["definitionId"] as JsonValue)?.TryGetValue<string>(out var id) == true ? id : null;
        List<string> existing = [];
        if (!string.IsNullOrWhiteSpace(definitionId))
        {
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            existing = await db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId).Select(d => d.Json).ToListAsync(ct);
        }
        if (existing.Count == 0)
        {
            SetOwner(model, _schoolId);
            return true;
        }
        var owners = existing.Select(OwnerOf).Distinct().ToList();
        if (!owners.All(Sees)) return false;
        SetOwner(model, owners.Contains(_schoolId) ? _schoolId : null);
        return true;
    }

    // ---- instances ---------------------------------------------------------------------------

    /// <summary>Whether the designer sees this instance (its definition is seen); an unknown id is not seen.</summary>
    public async Task<bool> SeesInstanceAsync(string instanceId, CancellationToken ct)
    {
        string? definitionId;
        await using (var db = await _dbFactory.CreateDbContextAsync(ct))
            definitionId = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => i.DefinitionId).FirstOrDefaultAsync(ct);
        return definitionId is not null && await SeesDefinitionAsync(definitionId, ct);
    }

    /// <summary>Narrows an instance query to the instances the designer sees.</summary>
    public async Task<IQueryable<WorkflowInstanceRecord>> VisibleAsync(IQueryable<WorkflowInstanceRecord> instances, CancellationToken ct)
    {
        var definitionIds = (await VisibleDefinitionIdsAsync(ct)).ToArray();
        return instances.Where(i => definitionIds.Contains(i.DefinitionId));
    }

    /// <summary>The instances, of those owning the given open bookmarks, that the designer sees; oldest bookmark first.</summary>
    public async Task<IReadOnlyList<string>> VisibleInstancesWaitingOnAsync(string bookmarkHash, string? correlationId, string? instanceId, CancellationToken ct)
    {
        var definitionIds = (await VisibleDefinitionIdsAsync(ct)).ToArray();
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var bookmarks = db.Bookmarks.AsNoTracking().Where(b => b.Hash == bookmarkHash && b.ClosedAt == null);
        if (correlationId is not null) bookmarks = bookmarks.Where(b => b.CorrelationId == correlationId);
        if (instanceId is not null) bookmarks = bookmarks.Where(b => b.WorkflowInstanceId == instanceId);
        var waiting = await (
                from b in bookmarks
                join i in db.Instances.AsNoTracking() on b.WorkflowInstanceId equals i.Id
                where definitionIds.Contains(i.DefinitionId)
                select new { b.WorkflowInstanceId, b.CreatedAt })
            .ToListAsync(ct);
        return waiting.OrderBy(w => w.CreatedAt).Select(w => w.WorkflowInstanceId).Distinct().ToList();
    }

    /// <summary>Whether every instance holding a bookmark with this hash is seen (true when there is none).</summary>
    public async Task<bool> SeesInstancesWithBookmarkAsync(string bookmarkHash, CancellationToken ct)
    {
        List<string> instanceIds;
        await using (var db = await _dbFactory.CreateDbContextAsync(ct))
            instanceIds = await db.Bookmarks.AsNoTracking().Where(b => b.Hash == bookmarkHash).Select(b => b.WorkflowInstanceId).Distinct().ToListAsync(ct);
        foreach (var id in instanceIds)
            if (!await SeesInstanceAsync(id, ct)) return false;
        return true;
    }
}
