using System.Text.Json.Nodes;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// Elsa's <c>versionOptions</c>: <c>Latest</c>, <c>Published</c>, <c>LatestOrPublished</c>,
/// <c>LatestAndPublished</c>, <c>Draft</c>, <c>AllVersions</c> or a version number; empty means no filter.
/// </summary>
public sealed class VersionFilter
{
    private readonly Func<bool, bool, int, bool> _matches;

    private VersionFilter(Func<bool, bool, int, bool> matches) => _matches = matches;

    public static VersionFilter All { get; } = new((_, _, _) => true);

    public static bool TryParse(string? text, out VersionFilter filter)
    {
        filter = All;
        if (string.IsNullOrWhiteSpace(text)) return true;
        VersionFilter? parsed = text.Trim().ToLowerInvariant() switch
        {
            "latest" => new((latest, _, _) => latest),
            "published" => new((_, published, _) => published),
            "latestorpublished" => new((latest, published, _) => latest || published),
            "latestandpublished" => new((latest, published, _) => latest && published),
            "draft" => new((_, published, _) => !published),
            "allversions" or "all" => All,
            var number when int.TryParse(number, out var version) && version > 0 => new((_, _, v) => v == version),
            _ => null,
        };
        if (parsed is null) return false;
        filter = parsed;
        return true;
    }

    public bool Matches(WorkflowDefinitionRecord record) => _matches(record.IsLatest, record.IsPublished, record.Version);

    public const string Problem = "versionOptions must be Latest, Published, LatestOrPublished, LatestAndPublished, Draft, AllVersions or a version number.";
}

/// <summary>Writes stored definition versions in the shapes Elsa's API returns.</summary>
public static class WorkflowDefinitionModels
{
    /// <summary>The workflow node id of a root activity's parent, as Elsa names it.</summary>
    private const string WorkflowNodeId = "Workflow1";

    /// <summary>
    /// The stored document as Elsa's <c>WorkflowDefinition</c> model: <c>links</c> first (the
    /// <c>publish</c> link, given only when <paramref name="editable"/>, makes it editable in the Studio), the document as stored, the version's
    /// identity from its row (the document's flags can be stale after a later publish), and
    /// defaults for collections the document lacks. <c>root</c> is returned as stored, except that
    /// an activity without a <c>nodeId</c> gets the one the engine gives it.
    /// </summary>
    public static JsonObject ToModel(WorkflowDefinitionRecord record, bool editable)
    {
        var stored = WorkflowDefinitionJson.Parse(record.Json);
        var model = new JsonObject { ["links"] = DefinitionLinks(record.DefinitionId, editable) };
        foreach (var (key, value) in stored)
            if (key != "links") model[key] = value?.DeepClone();

        model["id"] = record.Id;
        model["definitionId"] = record.DefinitionId;
        model["tenantId"] = record.TenantId;
        model["version"] = record.Version;
        model["isLatest"] = record.IsLatest;
        model["isPublished"] = record.IsPublished;
        model["createdAt"] = record.CreatedAt;

        Default(model, "variables", () => new JsonArray());
        Default(model, "inputs", () => new JsonArray());
        Default(model, "outputs", () => new JsonArray());
        Default(model, "outcomes", () => new JsonArray());
        Default(model, "customProperties", () => new JsonObject());
        // Shared definitions are changed only by the loader of workflows/; the Studio shows them read-only.
        model["isReadonly"] = record.TenantId == Tenants.Shared || (model["isReadonly"] is JsonValue flag && flag.TryGetValue<bool>(out var on) && on);
        Default(model, "isSystem", () => false);
        Default(model, "options", () => new JsonObject { ["autoUpdateConsumingWorkflows"] = false });

        if (model["root"] is JsonObject root) FillMissingNodeIds(root, WorkflowNodeId);
        return model;
    }

    public static WorkflowDefinitionSummary ToSummary(WorkflowDefinitionRecord record, bool editable) => new(
        ToLinks(record.DefinitionId, editable), IsMaterializerAvailable: true, record.Id, record.DefinitionId, record.Name, record.Description, record.Version,
        ToolVersion: null, record.IsLatest, record.IsPublished, MaterializerName: "Json", record.CreatedAt, IsReadonly: record.TenantId == Tenants.Shared);

    /// <summary>
    /// Links of one definition, relative to the API base as Elsa writes them (in Elsa's order). Only
    /// routes this server answers are advertised. <c>publish</c> is what the Studio checks before
    /// allowing edits, so the links that change a definition are given only to someone who may change
    /// it (<paramref name="editable"/>); everyone who sees it may read, export and run it.
    /// </summary>
    public static IReadOnlyList<Link> ToLinks(string definitionId, bool editable)
    {
        var id = Uri.EscapeDataString(definitionId);
        List<Link> links =
        [
            new($"/workflow-definitions/{id}", "self", "GET"),
            new($"/workflow-definitions/by-definition-id/{id}", "self", "GET"),
            new($"/workflow-definitions/{id}/execute", "execute", "POST"),
            new($"/workflow-definitions/{id}/export", "export", "GET"),
        ];
        if (editable)
            links.AddRange(
            [
                new($"/workflow-definitions/{id}/publish", "publish", "POST"),
                new($"/workflow-definitions/{id}/retract", "retract", "POST"),
                new($"/workflow-definitions/{id}", "delete", "DELETE"),
            ]);
        return links;
    }

    /// <summary>
    /// Links of the definition list, in Elsa's order, for the routes this server answers;
    /// <c>bulk-publish</c> is what makes the Studio's list editable. Only designers reach the list, and
    /// every designer may create definitions of their own, so the list is editable for all of them;
    /// each shared row is made read-only by its own links.
    /// </summary>
    public static IReadOnlyList<Link> ListLinks { get; } =
    [
        new("/workflow-definitions", "self", "GET"),
        new("/workflow-definitions/validation/is-name-unique", "is-name-unique", "GET"),
        new("/bulk-actions/delete/workflow-definitions/by-definition-id", "bulk-delete-by-definition-id", "POST"),
        new("/bulk-actions/publish/workflow-definitions/by-definition-ids", "bulk-publish", "POST"),
        new("/bulk-actions/retract/workflow-definitions/by-definition-ids", "bulk-retract", "POST"),
        new("/workflow-definitions/import", "import", "POST"),
        new("/workflow-definitions", "create", "POST"),
    ];

    private static JsonArray DefinitionLinks(string definitionId, bool editable) =>
        new(ToLinks(definitionId, editable).Select(l => (JsonNode?)new JsonObject { ["href"] = l.Href, ["rel"] = l.Rel, ["method"] = l.Method }).ToArray());

    private static void Default(JsonObject model, string key, Func<JsonNode> value)
    {
        if (model[key] is null) model[key] = value();
    }

    /// <summary>Node ids follow the engine's rule: the parent's node id, a colon, the activity id.</summary>
    private static void FillMissingNodeIds(JsonObject activity, string parentNodeId)
    {
        if (activity["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var id)) return;
        var nodeId = $"{parentNodeId}:{id}";
        if (activity["nodeId"] is null) activity["nodeId"] = nodeId;
        foreach (var child in (activity["activities"] as JsonArray ?? []).OfType<JsonObject>())
            FillMissingNodeIds(child, nodeId);
        if (activity["body"] is JsonObject body) FillMissingNodeIds(body, nodeId);
    }
}
