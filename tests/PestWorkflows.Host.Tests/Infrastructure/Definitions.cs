using System.Text.Json.Nodes;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>Small Elsa 3 definitions for tests, in the current JSON format.</summary>
public static class Definitions
{
    public static JsonObject Activity(string id, string type, JsonObject? inputs = null, int x = 0)
    {
        var activity = new JsonObject
        {
            ["id"] = id,
            ["nodeId"] = $"Workflow1:Flowchart1:{id}",
            ["name"] = id,
            ["type"] = type,
            ["version"] = 1,
            ["customProperties"] = new JsonObject(),
            ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = x, ["y"] = 0 } } },
        };
        foreach (var (name, value) in inputs ?? [])
            activity[name] = value?.DeepClone();
        return activity;
    }

    /// <summary>An input as the designer writes it: <c>{typeName, expression:{type:"Literal", value}}</c>.</summary>
    public static JsonObject Literal(string value, string typeName = "String") => new()
    {
        ["typeName"] = typeName,
        ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = value },
    };

    public static JsonObject Connection(string source, string target, string port = "Done") => new()
    {
        ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
        ["vertices"] = new JsonArray(),
    };

    public static JsonObject Flowchart(string definitionId, string name, JsonObject[] activities, JsonObject[] connections) => new()
    {
        ["definitionId"] = definitionId,
        ["name"] = name,
        ["variables"] = new JsonArray(),
        ["root"] = new JsonObject
        {
            ["id"] = "Flowchart1",
            ["nodeId"] = "Workflow1:Flowchart1",
            ["type"] = "Elsa.Flowchart",
            ["version"] = 1,
            ["customProperties"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["activities"] = new JsonArray(activities.Select(a => (JsonNode?)a).ToArray()),
            ["connections"] = new JsonArray(connections.Select(c => (JsonNode?)c).ToArray()),
        },
    };

    /// <summary>Start → a single activity → End.</summary>
    public static JsonObject StartThenEnd(string definitionId, JsonObject middle) =>
        Flowchart(definitionId, definitionId,
            [Activity("Start1", "Elsa.Start"), middle, Activity("End1", "Elsa.End", x: 400)],
            [Connection("Start1", (string)middle["id"]!), Connection((string)middle["id"]!, "End1")]);
}
