using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Descriptors;
using PestWorkflows.Engine.Expressions;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Serialization;

/// <summary>A workflow definition was refused; <see cref="Problems"/> names each problem precisely.</summary>
public sealed class WorkflowDefinitionException(IReadOnlyList<string> problems)
    : Exception("The workflow definition is not valid: " + string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Reads and writes Elsa 3 workflow definition JSON. The stored document is the source of truth and
/// is kept as it came (properties this code does not understand included), so a round trip is
/// lossless; the <see cref="Workflow"/> built from it is the executable view.
/// </summary>
public sealed class WorkflowDefinitionJson(ActivityRegistry registry)
{
    /// <summary>Key in a definition's <c>customProperties</c> that selects the flowchart algorithm.</summary>
    public const string FlowchartModeProperty = "flowchartExecutionMode";

    /// <summary>Parses JSON text; malformed JSON is refused with line and position.</summary>
    public static JsonObject Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false }) as JsonObject
                ?? throw new WorkflowDefinitionException(["The document is not a JSON object."]);
        }
        catch (JsonException e)
        {
            throw new WorkflowDefinitionException([$"Malformed JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {e.Message.Split(" Path:")[0]}"]);
        }
    }

    /// <summary>Builds the executable workflow, or throws naming every problem found.</summary>
    public Workflow Materialize(JsonObject document, string? definitionId = null, string? versionId = null, int? version = null)
    {
        var problems = new List<string>();
        if (document["root"] is not JsonObject rootJson)
            throw new WorkflowDefinitionException(["The definition has no 'root' activity object."]);

        var variables = ReadVariables(document["variables"], problems);
        var root = ReadActivity(rootJson, "Workflow1", problems);
        if (problems.Count > 0 || root is null) throw new WorkflowDefinitionException(problems);

        var modeText = (string?)(document["customProperties"]?[FlowchartModeProperty] as JsonValue);
        var mode = Enum.TryParse<FlowchartExecutionMode>(modeText, true, out var parsed) ? parsed : FlowchartExecutionMode.CounterBased;
        return new Workflow(
            definitionId ?? (string?)document["definitionId"] ?? "",
            versionId ?? (string?)document["id"] ?? "",
            version ?? (int?)document["version"] ?? 1,
            (string?)document["name"],
            root, variables, mode);
    }

    /// <summary>Checks a definition without keeping the result.</summary>
    public void Validate(JsonObject document) => Materialize(document);

    private static List<Variable> ReadVariables(JsonNode? node, List<string> problems)
    {
        var result = new List<Variable>();
        if (node is not JsonArray array) return result;
        foreach (var item in array.OfType<JsonObject>())
        {
            var variable = ReadVariable(item);
            if (variable is null) { problems.Add("A variable has no name."); continue; }
            result.Add(variable);
        }
        return result;
    }

    private static Variable? ReadVariable(JsonObject item)
    {
        var name = (string?)item["name"];
        if (string.IsNullOrWhiteSpace(name)) return null;
        var typeName = (string?)item["typeName"] ?? "Object";
        var raw = item["value"];
        object? initial = null;
        if (raw is not null)
        {
            try { initial = ValueConverter.Convert(raw, ValueConverter.TypeFromAlias(typeName)); }
            catch (Exception) { initial = ValueConverter.FromJsonNode(raw); }
        }
        return new Variable((string?)item["id"] ?? name, name, typeName, ValueConverter.ToJsonNode(initial), (string?)item["storageDriverTypeName"]);
    }

    private Activity? ReadActivity(JsonObject json, string parentNodeId, List<string> problems)
    {
        var type = (string?)json["type"];
        var id = (string?)json["id"];
        if (string.IsNullOrWhiteSpace(id)) { problems.Add($"An activity of type '{type}' has no id."); return null; }
        if (string.IsNullOrWhiteSpace(type)) { problems.Add($"Activity '{id}' has no type."); return null; }
        var descriptor = registry.Find(type);
        if (descriptor is null) { problems.Add($"Activity '{id}' has unknown type '{type}'."); return null; }

        var activity = descriptor.CreateInstance();
        activity.Id = id;
        activity.NodeId = $"{parentNodeId}:{id}";
        activity.Type = type;
        activity.Name = (string?)json["name"];
        activity.Version = (int?)json["version"] ?? 1;
        activity.CustomProperties = json["customProperties"]?.DeepClone() as JsonObject ?? new JsonObject();
        // Older Elsa JSON puts canStartWorkflow at the activity level.
        if (json["canStartWorkflow"] is JsonValue canStart && !activity.CustomProperties.ContainsKey("canStartWorkflow"))
            activity.CustomProperties["canStartWorkflow"] = canStart.DeepClone();
        activity.Metadata = json["metadata"]?.DeepClone() as JsonObject ?? new JsonObject();

        foreach (var input in descriptor.Inputs)
            ReadInput(activity, input, Property(json, input.Name), problems);
        foreach (var output in descriptor.Outputs)
        {
            var outputJson = Property(json, output.Name) as JsonObject;
            var instance = (Output)Activator.CreateInstance(output.Property.PropertyType)!;
            instance.VariableId = (string?)outputJson?["memoryReference"]?["id"];
            output.Property.SetValue(activity, instance);
        }

        switch (activity)
        {
            case Flowchart flowchart:
                ReadFlowchart(flowchart, json, activity.NodeId, problems);
                break;
            case FlowNode node when Property(json, "body") is JsonObject body:
                node.Body = ReadActivity(body, activity.NodeId, problems);
                break;
        }
        return activity;
    }

    private void ReadFlowchart(Flowchart flowchart, JsonObject json, string nodeId, List<string> problems)
    {
        var byId = new Dictionary<string, Activity>(StringComparer.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in (json["activities"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)item["id"] is { } declaredId) declared.Add(declaredId);
            var child = ReadActivity(item, nodeId, problems);
            if (child is null) continue;
            if (!byId.TryAdd(child.Id, child)) { problems.Add($"Two activities in flowchart '{flowchart.Id}' have the id '{child.Id}'."); continue; }
            flowchart.Activities.Add(child);
        }

        var index = 0;
        foreach (var item in (json["connections"] as JsonArray ?? []).OfType<JsonObject>())
        {
            index++;
            var (sourceId, sourcePort, targetId, targetPort) = ReadConnection(item);
            if (sourceId is null || targetId is null)
            {
                problems.Add($"Connection {index} in flowchart '{flowchart.Id}' has no source or target.");
                continue;
            }
            var source = byId.GetValueOrDefault(sourceId);
            var target = byId.GetValueOrDefault(targetId);
            // An activity refused above (unknown type) is reported once, not again for each connection.
            if ((source is null && declared.Contains(sourceId)) || (target is null && declared.Contains(targetId))) continue;
            if (source is null) problems.Add($"Connection {index} in flowchart '{flowchart.Id}' comes from activity '{sourceId}', which is not in the flowchart.");
            if (target is null) problems.Add($"Connection {index} in flowchart '{flowchart.Id}' goes to activity '{targetId}', which is not in the flowchart.");
            if (source is null || target is null) continue;
            flowchart.Connections.Add(new Connection(source, sourcePort ?? "Done", target, targetPort ?? "In"));
        }
    }

    /// <summary>Both encodings: <c>{source:{activity,port}, target:{activity,port}}</c> and the legacy
    /// <c>{source:id, sourcePort, target:id, targetPort}</c>.</summary>
    private static (string? SourceId, string? SourcePort, string? TargetId, string? TargetPort) ReadConnection(JsonObject item)
    {
        var source = Property(item, "source");
        var target = Property(item, "target");
        return (
            source is JsonObject s ? (string?)Property(s, "activity") : (string?)(source as JsonValue),
            source is JsonObject s2 ? (string?)Property(s2, "port") : (string?)(Property(item, "sourcePort") as JsonValue),
            target is JsonObject t ? (string?)Property(t, "activity") : (string?)(target as JsonValue),
            target is JsonObject t2 ? (string?)Property(t2, "port") : (string?)(Property(item, "targetPort") as JsonValue));
    }

    private static void ReadInput(Activity activity, InputDescriptor input, JsonNode? json, List<string> problems)
    {
        if (!input.IsWrapped)
        {
            if (json is null) return;
            if (input.Property.PropertyType == typeof(Variable))
            {
                if (json is JsonObject o && ReadVariable(o) is { } variable) input.Property.SetValue(activity, variable);
                else problems.Add($"Input '{input.Name}' of activity '{activity.Id}' is not a variable.");
                return;
            }
            try { input.Property.SetValue(activity, ValueConverter.Convert(json, input.Property.PropertyType)); }
            catch (Exception e) { problems.Add($"Input '{input.Name}' of activity '{activity.Id}' is invalid: {e.Message}"); }
            return;
        }

        if (json is null) return; // keep the class's default
        var expressionJson = json is JsonObject wrapper && (wrapper.ContainsKey("expression") || wrapper.ContainsKey("typeName")) ? wrapper["expression"] : json;
        var expression = Expression.FromJson(expressionJson);
        if (expression is null) return;
        if (expression.Type == "Literal" && expression.Value is null) return;
        var instance = Activator.CreateInstance(input.Property.PropertyType, BindingFlags.Public | BindingFlags.Instance, null, [expression], null);
        input.Property.SetValue(activity, instance);
    }

    /// <summary>Case-tolerant property lookup, as Elsa's reader is.</summary>
    private static JsonNode? Property(JsonObject json, string name)
    {
        if (json.TryGetPropertyValue(name, out var exact)) return exact;
        var camel = char.ToLowerInvariant(name[0]) + name[1..];
        if (json.TryGetPropertyValue(camel, out var value)) return value;
        foreach (var (key, v) in json)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    /// <summary>
    /// The definition as this runtime writes it: the stored document untouched, except that legacy
    /// connections are rewritten in the current <c>{activity, port}</c> form.
    /// </summary>
    public static JsonObject Write(JsonObject document)
    {
        var copy = (JsonObject)document.DeepClone();
        if (copy["root"] is JsonObject root) NormalizeConnections(root);
        return copy;
    }

    private static void NormalizeConnections(JsonObject activity)
    {
        if (activity["connections"] is JsonArray connections)
        {
            for (var i = 0; i < connections.Count; i++)
            {
                if (connections[i] is not JsonObject c || c["source"] is JsonObject) continue;
                var (sourceId, sourcePort, targetId, targetPort) = ReadConnection(c);
                var normalized = new JsonObject
                {
                    ["source"] = new JsonObject { ["activity"] = sourceId, ["port"] = sourcePort ?? "Done" },
                    ["target"] = new JsonObject { ["activity"] = targetId, ["port"] = targetPort ?? "In" },
                };
                foreach (var (key, value) in c)
                    if (key is not ("source" or "target" or "sourcePort" or "targetPort"))
                        normalized[key] = value?.DeepClone();
                connections[i] = normalized;
            }
        }
        foreach (var child in (activity["activities"] as JsonArray ?? []).OfType<JsonObject>())
            NormalizeConnections(child);
        if (activity["body"] is JsonObject body) NormalizeConnections(body);
    }
}
