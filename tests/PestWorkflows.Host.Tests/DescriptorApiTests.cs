using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

namespace PestWorkflows.Host.Tests;

public sealed class DescriptorApiTests : IAsyncLifetime
{
    // Field names of Elsa.WriteLine in elsa-golden/GET_descriptors_activities.json (a genuine Elsa 3.8 server).
    private static readonly string[] GoldenDescriptorFields =
    [
        "typeName", "clrType", "namespace", "name", "version", "category", "displayName", "description", "inputs", "outputs",
        "kind", "runAsynchronously", "ports", "customProperties", "constructionProperties", "isContainer", "isBrowsable", "isStart", "isTerminal",
    ];

    private static readonly string[] GoldenInputFields =
    [
        "isWrapped", "uiHint", "isReadOnly", "isSensitive", "autoEvaluate", "uiSpecifications", "name", "typeName", "displayName",
        "description", "order", "isBrowsable", "isSerializable", "isSynthetic",
    ];

    private readonly TempDatabase _database = new();
    private HostApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = new HostApp(_database);
        _client = await _app.LoginAsync(HostApp.Coordinator);
        
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private async Task<JsonObject> DescriptorAsync(string typeName)
    {
        var list = await _client.GetJsonAsync($"{ElsaRoot}/descriptors/activities?Refresh=True");
        Assert.Equal(list["items"]!.AsArray().Count, (int)list["count"]!);
        return list["items"]!.AsArray().Single(i => (string?)i!["typeName"] == typeName)!.AsObject();
    }

    [Fact]
    public async Task WriteLine_is_described_with_the_fields_and_values_of_a_genuine_Elsa_server()
    {
        var writeLine = await DescriptorAsync("Elsa.WriteLine");

        Assert.Equal(GoldenDescriptorFields, writeLine.Select(p => p.Key));
        Assert.Equal("Elsa", (string?)writeLine["namespace"]);
        Assert.Equal("WriteLine", (string?)writeLine["name"]);
        Assert.Equal(1, (int)writeLine["version"]!);
        Assert.Equal("Console", (string?)writeLine["category"]);
        Assert.Equal("Write Line", (string?)writeLine["displayName"]);
        Assert.Equal("Write a line of text to the console.", (string?)writeLine["description"]);
        Assert.Equal("Action", (string?)writeLine["kind"]);
        Assert.Empty(writeLine["ports"]!.AsArray()); // Elsa lists no flow ports for a plain activity: the designer shows Done
        Assert.Empty(writeLine["outputs"]!.AsArray());
        Assert.False((bool)writeLine["isContainer"]!);
        Assert.True((bool)writeLine["isBrowsable"]!);
        Assert.False((bool)writeLine["isStart"]!);
        Assert.False((bool)writeLine["isTerminal"]!);

        var text = Assert.Single(writeLine["inputs"]!.AsArray())!.AsObject();
        Assert.Equal(GoldenInputFields, text.Select(p => p.Key));
        Assert.Equal("Text", (string?)text["name"]); // PascalCase, as Elsa writes it
        Assert.Equal("String", (string?)text["typeName"]);
        Assert.Equal("singleline", (string?)text["uiHint"]);
        Assert.True((bool)text["isWrapped"]!);
        Assert.Equal("The text to write.", (string?)text["description"]);
    }

    [Fact]
    public async Task FlowDecision_has_True_and_False_flow_ports_and_Start_and_End_their_flags()
    {
        var decision = await DescriptorAsync("Elsa.FlowDecision");
        Assert.Equal("Decision", (string?)decision["displayName"]);
        Assert.Equal("Branching", (string?)decision["category"]);
        var ports = decision["ports"]!.AsArray().Select(p => ((string)p!["name"]!, (string)p["displayName"]!, (string)p["type"]!, (bool)p["isBrowsable"]!));
        Assert.Equal([("True", "True", "Flow", true), ("False", "False", "Flow", true)], ports);
        Assert.Equal("Boolean", (string?)decision["inputs"]![0]!["typeName"]);

        Assert.True((bool)(await DescriptorAsync("Elsa.Start"))["isStart"]!);
        Assert.True((bool)(await DescriptorAsync("Elsa.End"))["isTerminal"]!);

        var twoWays = await DescriptorAsync("HostTests.TwoWays");
        Assert.Equal(["Done", "Escalate"], twoWays["ports"]!.AsArray().Select(p => (string)p!["name"]!));
    }

    [SkippableFact]
    public async Task WriteLine_and_FlowDecision_have_exactly_the_fields_of_the_golden_response()
    {
        var path = RepoPaths.RequireSharedDoc("elsa-golden/GET_descriptors_activities.json",
            "it is the response of a genuine Elsa 3.8 server that our activity descriptors are compared with field by field.");
        var golden = JsonNode.Parse(File.ReadAllText(path))!["items"]!.AsArray();

        foreach (var typeName in new[] { "Elsa.WriteLine", "Elsa.FlowDecision", "Elsa.RunTask", "Elsa.Start", "Elsa.End" })
        {
            var expected = golden.Single(i => (string?)i!["typeName"] == typeName)!.AsObject();
            var actual = await DescriptorAsync(typeName);
            Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
            foreach (var field in new[] { "typeName", "namespace", "name", "version", "kind", "isContainer", "isStart", "isTerminal", "runAsynchronously" })
                Assert.True(JsonNode.DeepEquals(expected[field], actual[field]), $"{typeName}.{field}: golden {expected[field]?.ToJsonString()}, ours {actual[field]?.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(expected["ports"], actual["ports"]), $"{typeName}.ports: golden {expected["ports"]!.ToJsonString()}, ours {actual["ports"]!.ToJsonString()}");
            Assert.Equal(expected["inputs"]!.AsArray().Select(i => (string)i!["name"]!), actual["inputs"]!.AsArray().Select(i => (string)i!["name"]!));
            Assert.Equal(expected["outputs"]!.AsArray().Select(i => (string)i!["name"]!), actual["outputs"]!.AsArray().Select(i => (string)i!["name"]!));
        }
    }

    [Theory]
    [InlineData("descriptors/expression-descriptors", "count")]
    [InlineData("descriptors/incident-strategies", "count")]
    [InlineData("descriptors/workflow-activation-strategies", "count")]
    [InlineData("descriptors/log-persistence-strategies", "count")]
    [InlineData("descriptors/commit-strategies/workflows", "count")]
    [InlineData("descriptors/commit-strategies/activities", "count")]
    [InlineData("features/installed", "count")]
    [InlineData("descriptors/variables", null)]
    [InlineData("descriptors/storage-drivers", null)]
    public async Task Descriptor_lists_answer_in_Elsa_envelopes(string route, string? countField)
    {
        var body = (await _client.GetJsonAsync($"{ElsaRoot}/{route}")).AsObject();
        var items = body["items"]!.AsArray();
        if (countField is null)
            Assert.Equal(["items"], body.Select(p => p.Key));
        else
            Assert.Equal(items.Count, (int)body[countField]!);
    }

    /// <summary>The Studio preselects the driver with the highest priority for a new variable; a variable
    /// without a driver would lose its value when the instance waits.</summary>
    [Fact]
    public async Task Storage_drivers_offer_the_workflow_instance_as_the_default()
    {
        var items = (await _client.GetJsonAsync($"{ElsaRoot}/descriptors/storage-drivers"))["items"]!.AsArray();
        var preferred = items.OrderByDescending(i => (int)i!["priority"]!).First()!;
        Assert.Equal("Elsa.Workflows.WorkflowInstanceStorageDriver, Elsa.Workflows.Core", (string?)preferred["typeName"]);
        Assert.Equal("Workflow Instance", (string?)preferred["displayName"]);
        Assert.False((bool)preferred["deprecated"]!);
    }

    [Fact]
    public async Task Expressions_include_a_non_literal_type_and_features_omit_real_time_updates()
    {
        var expressions = await _client.GetJsonAsync($"{ElsaRoot}/descriptors/expression-descriptors");
        Assert.Equal(["Literal", "Object", "Variable", "JavaScript", "Liquid"], expressions["items"]!.AsArray().Select(e => (string)e!["type"]!));
        Assert.Equal("javascript", (string?)expressions["items"]![3]!["properties"]!["MonacoLanguage"]);

        var features = await _client.GetJsonAsync($"{ElsaRoot}/features/installed");
        var names = features["items"]!.AsArray().Select(f => (string)f!["fullName"]!).ToList();
        Assert.Contains("Elsa.WorkflowManagement", names);
        Assert.DoesNotContain("Elsa.RealTimeWorkflowUpdates", names);

        var version = await _client.GetJsonAsync($"{ElsaRoot}/package/version");
        Assert.Equal("3.8.0", (string?)version["packageVersion"]);
    }
}
