using System.Text.Json.Nodes;

namespace PestWorkflows.Engine.Tests.Infrastructure;

/// <summary>Small Elsa 3 definitions built in code for the engine's own tests.</summary>
public static class TestWorkflows
{
    public static JsonObject Literal(object? value, string typeName = "String") =>
        new() { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = JsonValue.Create(value?.ToString()) } };

    public static JsonObject Script(string type, string script, string typeName = "Object") =>
        new() { ["typeName"] = typeName, ["expression"] = new JsonObject { ["type"] = type, ["value"] = script } };

    public static JsonObject Activity(string id, string type, params (string Name, JsonNode? Value)[] inputs)
    {
        var activity = new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["version"] = 1,
            ["customProperties"] = new JsonObject(),
            ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 } } },
        };
        foreach (var (name, value) in inputs) activity[name] = value;
        return activity;
    }

    public static JsonObject Connection(string from, string to, string port = "Done") => new()
    {
        ["source"] = new JsonObject { ["activity"] = from, ["port"] = port },
        ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
    };

    public static JsonObject Definition(string? definitionId, IEnumerable<JsonObject> activities, IEnumerable<JsonObject> connections, JsonArray? variables = null) => new()
    {
        ["definitionId"] = definitionId,
        ["name"] = definitionId ?? "test",
        ["variables"] = variables ?? new JsonArray(),
        ["root"] = new JsonObject
        {
            ["id"] = "Flowchart1",
            ["type"] = "Elsa.Flowchart",
            ["version"] = 1,
            ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
            ["connections"] = new JsonArray(connections.Select(c => (JsonNode)c).ToArray()),
        },
    };

    /// <summary>Start → task1 → task2 → ... → taskN → WriteLine "klaar".</summary>
    public static JsonObject SequentialTasks(int count, string? definitionId = null)
    {
        var activities = new List<JsonObject> { Activity("Start1", "Elsa.Start") };
        var connections = new List<JsonObject>();
        var previous = "Start1";
        for (var i = 1; i <= count; i++)
        {
            activities.Add(Activity($"Task{i}", "Elsa.RunTask", ("taskName", Literal($"Stap {i}"))));
            connections.Add(Connection(previous, $"Task{i}"));
            previous = $"Task{i}";
        }
        activities.Add(Activity("Done1", "Elsa.WriteLine", ("text", Literal("klaar"))));
        connections.Add(Connection(previous, "Done1"));
        return Definition(definitionId, activities, connections);
    }

    /// <summary>Start → Delay(span) → WriteLine "na de wachttijd".</summary>
    public static JsonObject DelayThenWrite(TimeSpan span, string? definitionId = null) => Definition(definitionId,
        [
            Activity("Start1", "Elsa.Start"),
            Activity("Delay1", "Elsa.Delay", ("timeSpan", Literal(span.ToString("c"), "TimeSpan"))),
            Activity("Write1", "Elsa.WriteLine", ("text", Literal("na de wachttijd"))),
        ],
        [Connection("Start1", "Delay1"), Connection("Delay1", "Write1")]);
}
