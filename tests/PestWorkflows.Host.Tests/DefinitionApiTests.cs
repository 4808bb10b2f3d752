using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using static PestWorkflows.Host.Tests.Infrastructure.Definitions;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

namespace PestWorkflows.Host.Tests;

public sealed class DefinitionApiTests : IAsyncLifetime
{
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

    [SkippableFact]
    public async Task The_body_Elsa_Studio_posted_on_publish_is_stored_losslessly()
    {
        var path = RepoPaths.RequireSharedDoc("elsa-studio/saved-publish-body.json",
            "it is the body the genuine Elsa Studio 3.8.2 sent when publishing, and this test saves it to prove the round trip is lossless.");
        var body = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        // The captured body names "pestprotocol-1"; that prefix is reserved for the schools' own copies.
        body["model"]!["definitionId"] = "studio-opslag";
        // The spike's ConversationWithBulliedPupil had an Escalate port; the protocol's has only Done,
        // and a save now checks every connection's port against the descriptors.
        foreach (var connection in body["model"]!["root"]!["connections"]!.AsArray())
            if ((string?)connection!["source"]!["port"] == "Escalate") connection["source"]!["port"] = "Done";
        var sentRoot = body["model"]!["root"]!;

        var saved = await _client.PostJsonAsync($"{ElsaRoot}/workflow-definitions", body);
        var fetched = await _client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/studio-opslag?versionOptions=Latest");

        Assert.True(JsonNode.DeepEquals(sentRoot, saved["workflowDefinition"]!["root"]), "save answered a different root");
        Assert.True(JsonNode.DeepEquals(sentRoot, fetched["root"]), $"GET returned a different root:\n{fetched["root"]!.ToJsonString()}");
        Assert.False((bool)saved["alreadyPublished"]!);
        Assert.Equal(0, (int)saved["consumingWorkflowCount"]!);
        Assert.Empty(saved["validationErrors"]!.AsArray());
        Assert.True((bool)fetched["isPublished"]!);
        Assert.True((bool)fetched["isLatest"]!);
        Assert.Equal("Pestprotocol", (string?)fetched["name"]);
        Assert.Contains(fetched["links"]!.AsArray(), l => (string?)l!["rel"] == "publish");

        // The other routes to the same document agree.
        var byDefinitionId = await _client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/studio-opslag");
        var byVersionId = await _client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-id/{Uri.EscapeDataString((string)fetched["id"]!)}");
        Assert.True(JsonNode.DeepEquals(sentRoot, byDefinitionId["root"]));
        Assert.True(JsonNode.DeepEquals(sentRoot, byVersionId["root"]));
    }

    public static TheoryData<string, string, string> InvalidBodies() => new()
    {
        {
            "unknown activity type",
            new JsonObject { ["model"] = StartThenEnd("bad-type", Activity("Mystery1", "Pestprotocol.DoesNotExist")), ["publish"] = true }.ToJsonString(),
            "Activity 'Mystery1' has unknown type 'Pestprotocol.DoesNotExist'."
        },
        {
            "connection to a missing activity",
            new JsonObject
            {
                ["model"] = Flowchart("dangling", "Dangling",
                    [Activity("Start1", "Elsa.Start"), Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("x") })],
                    [Connection("Start1", "WriteLine1"), Connection("WriteLine1", "Ghost1")]),
                ["publish"] = false,
            }.ToJsonString(),
            "Connection 2 in flowchart 'Flowchart1' goes to activity 'Ghost1', which is not in the flowchart."
        },
        {
            "malformed JSON",
            """{ "model": { "definitionId": "malformed", "root": { "type": "Elsa.Flowchart", """,
            "Malformed JSON at line 1"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_definition_is_refused_with_400_naming_the_problem_and_nothing_is_stored(string _, string body, string problem)
    {
        var before = await _client.ListVersionsAsync();

        using var response = await _client.PostAsync($"{ElsaRoot}/workflow-definitions", Text(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var details = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, (int)details["status"]!);
        var errors = details["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray()).Select(e => (string)e!).ToList();
        Assert.Contains(errors, e => e.Contains(problem, StringComparison.Ordinal));
        Assert.Equal(before, await _client.ListVersionsAsync());
    }

    [Fact]
    public async Task Saving_a_published_definition_makes_a_draft_and_publish_makes_it_current()
    {
        var model = StartThenEnd("versions", Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("een") }));
        var v1 = await _client.SaveDefinitionAsync(model, publish: true);
        Assert.Equal(1, (int)v1["version"]!);

        model["root"]!["activities"]![1]!["text"] = Literal("twee");
        var draft = await _client.SaveDefinitionAsync(model, publish: false);
        Assert.Equal(2, (int)draft["version"]!);
        Assert.False((bool)draft["isPublished"]!);

        var published = await _client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/versions?versionOptions=Published");
        Assert.Equal(1, (int)published["version"]!);
        Assert.Equal([("versions", 1, true), ("versions", 2, false)], (await _client.ListVersionsAsync()).Where(v => v.DefinitionId == "versions"));

        var publish = await _client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/versions/publish", null);
        Assert.False((bool)publish["alreadyPublished"]!);
        Assert.Equal(2, (int)publish["workflowDefinition"]!["version"]!);
        var again = await _client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/versions/publish", null);
        Assert.True((bool)again["alreadyPublished"]!);
        Assert.Equal([("versions", 1, false), ("versions", 2, true)], (await _client.ListVersionsAsync()).Where(v => v.DefinitionId == "versions"));
    }

    [Fact]
    public async Task The_list_filters_by_definition_id_search_term_and_pages()
    {
        await _client.SaveDefinitionAsync(StartThenEnd("zeta", Activity("WriteLine1", "Elsa.WriteLine")));
        await _client.SaveDefinitionAsync(StartThenEnd("alpha", Activity("WriteLine1", "Elsa.WriteLine")));

        var byId = await _client.GetJsonAsync($"{ElsaRoot}/workflow-definitions?versionOptions=Published&DefinitionIds=zeta");
        Assert.Equal(["zeta"], byId["items"]!.AsArray().Select(i => (string)i!["definitionId"]!));

        var search = await _client.GetJsonAsync($"{ElsaRoot}/workflow-definitions?versionOptions=Latest&searchTerm=ALP");
        Assert.Equal(["alpha"], search["items"]!.AsArray().Select(i => (string)i!["definitionId"]!));

        var page = await _client.GetJsonAsync($"{ElsaRoot}/workflow-definitions?versionOptions=Latest&definitionIds=zeta&definitionIds=hello-world&definitionIds=alpha&page=1&pageSize=1");
        Assert.Equal(3, (int)page["totalCount"]!); // by name: alpha, Hallo wereld, zeta
        Assert.Equal(["hello-world"], page["items"]!.AsArray().Select(i => (string)i!["definitionId"]!));
    }

    [Fact]
    public async Task Unknown_definitions_and_bad_version_options_are_problem_details()
    {
        using var missing = await _client.GetAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        using var bad = await _client.GetAsync($"{ElsaRoot}/workflow-definitions?versionOptions=Sometimes");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        using var publish = await _client.PostAsync($"{ElsaRoot}/workflow-definitions/nope/publish", Text("{}"));
        Assert.Equal(HttpStatusCode.NotFound, publish.StatusCode);
        Assert.Equal("application/problem+json", publish.Content.Headers.ContentType?.MediaType);
    }
}
