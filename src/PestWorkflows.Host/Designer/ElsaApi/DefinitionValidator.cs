using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using PestWorkflows.Engine.Descriptors;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// Checks a definition from the Studio against the activity descriptors before it is stored: every
/// activity's type is known, every connection joins two activities of its flowchart through a port
/// the source has (its outcomes) and the target's <c>In</c>, and every input marked
/// <see cref="RequiredAttribute"/> has a value; a parents' email template uses only its own pupil's fields (refused in Dutch: the coordinator reads it). Errors are keyed by where they are
/// in English, as the rest of the Elsa API (the Studio is English) (<c>activities/{id}</c>, <c>activities/{id}/{input}</c>, <c>connections/{flowchart}/{n}</c>) so that
/// the Studio can list them; the engine checks the rest when it reads the document.
/// </summary>
public static class DefinitionValidator
{
    public static Dictionary<string, string[]> Validate(JsonObject model, ActivityRegistry registry)
    {
        var errors = new Dictionary<string, List<string>>();
        if (model["root"] is JsonObject root) ValidateActivity(root, registry, errors);
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    private static void Add(Dictionary<string, List<string>> errors, string key, string message)
    {
        if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
        list.Add(message);
    }

    private static ActivityDescriptor? ValidateActivity(JsonObject activity, ActivityRegistry registry, Dictionary<string, List<string>> errors)
    {
        var id = Text(activity["id"]) ?? "?";
        var type = Text(activity["type"]);
        var descriptor = type is null ? null : registry.Find(type);
        if (descriptor is null)
        {
            Add(errors, $"activities/{id}", type is null ? $"Activity '{id}' has no type." : $"Activity '{id}' has unknown type '{type}'.");
            return null;
        }

        foreach (var input in descriptor.Inputs.Where(i => i.Property.GetCustomAttribute<RequiredAttribute>() is not null))
            if (IsEmpty(Property(activity, input.Name)))
                Add(errors, $"activities/{id}/{input.Name}", $"Input '{input.DisplayName}' of activity '{Text(activity["name"]) ?? id}' is required.");

        if (type is ParentsEmailActivityType or MdoInvitationActivityType)
            foreach (var input in new[] { "subject", "body" })
                if (TemplateText(Property(activity, input)) is { } template)
                    foreach (var problem in Email.ParentsEmailTemplate.Problems(template))
                        Add(errors, $"activities/{id}/{input}", problem);

        if (activity["activities"] is JsonArray children)
            ValidateFlowchart(id, children, activity["connections"] as JsonArray ?? [], registry, errors);
        // A container's embedded child; an input that happens to be called "body" (a parents' email's text) is not one.
        if (descriptor.EmbeddedPorts.Contains("Body", StringComparer.OrdinalIgnoreCase) && Property(activity, "body") is JsonObject body)
            ValidateActivity(body, registry, errors);
        return descriptor;
    }

    private static void ValidateFlowchart(string flowchartId, JsonArray children, JsonArray connections, ActivityRegistry registry,
        Dictionary<string, List<string>> errors)
    {
        var byId = new Dictionary<string, ActivityDescriptor?>(StringComparer.Ordinal);
        foreach (var child in children.OfType<JsonObject>())
            byId[Text(child["id"]) ?? "?"] = ValidateActivity(child, registry, errors);

        var index = 0;
        foreach (var connection in connections.OfType<JsonObject>())
        {
            index++;
            var key = $"connections/{flowchartId}/{index}";
            var (sourceId, sourcePort) = End(connection, "source", "sourcePort");
            var (targetId, targetPort) = End(connection, "target", "targetPort");
            if (sourceId is null || !byId.TryGetValue(sourceId, out var source))
            {
                Add(errors, key, $"Connection {index} in flowchart '{flowchartId}' comes from activity '{sourceId}', which is not in the flowchart.");
                continue;
            }
            if (targetId is null || !byId.ContainsKey(targetId))
            {
                Add(errors, key, $"Connection {index} in flowchart '{flowchartId}' goes to activity '{targetId}', which is not in the flowchart.");
                continue;
            }
            // An activity of unknown type is reported once, above; its ports are unknown.
            if (source is not null && sourcePort is not null && !source.Outcomes.Contains(sourcePort, StringComparer.Ordinal))
                Add(errors, key, $"Connection {index} in flowchart '{flowchartId}' leaves '{sourceId}' through port '{sourcePort}', which it does not have (its ports: {string.Join(", ", source.Outcomes)}).");
            if (targetPort is not null && targetPort != "In")
                Add(errors, key, $"Connection {index} in flowchart '{flowchartId}' enters '{targetId}' through port '{targetPort}'; an activity is entered through 'In' only.");
        }
    }

    /// <summary>Both encodings: <c>{activity, port}</c> and the legacy <c>source</c> + <c>sourcePort</c>.</summary>
    private static (string? Id, string? Port) End(JsonObject connection, string name, string legacyPort) =>
        connection[name] is JsonObject end
            ? (Text(end["activity"]), Text(end["port"]))
            : (Text(connection[name]), Text(connection[legacyPort]));

    private const string ParentsEmailActivityType = "Pestprotocol.EmailParents";
    private const string MdoInvitationActivityType = "Pestprotocol.EmailMdoInvitation";

    /// <summary>The template of a parents' email input: a Literal or Liquid expression's text (others yield a template only when run).</summary>
    private static string? TemplateText(JsonNode? input) => input switch
    {
        JsonValue value => Text(value),
        JsonObject { } wrapper when wrapper["expression"] is JsonObject expression && Text(expression["type"]) is null or "Literal" or "Liquid" => Text(expression["value"]),
        _ => null,
    };

    /// <summary>Not set, a literal without value or an empty text, an expression without text.</summary>
    private static bool IsEmpty(JsonNode? input)
    {
        if (input is null) return true;
        if (input is JsonValue value) return value.TryGetValue<string>(out var text) && string.IsNullOrWhiteSpace(text);
        if (input is not JsonObject wrapper) return false;
        if (!wrapper.ContainsKey("expression") && !wrapper.ContainsKey("typeName")) return false;
        if (wrapper["expression"] is not JsonObject expression) return true;
        return expression["value"] switch
        {
            null => true,
            JsonValue v when v.TryGetValue<string>(out var s) => string.IsNullOrWhiteSpace(s),
            _ => false,
        };
    }

    private static JsonNode? Property(JsonObject json, string name)
    {
        foreach (var (key, value) in json)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
