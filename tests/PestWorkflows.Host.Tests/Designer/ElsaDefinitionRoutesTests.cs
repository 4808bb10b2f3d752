using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using static PestWorkflows.Host.Tests.Infrastructure.Definitions;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

using static PestWorkflows.Host.Tests.Infrastructure.ApiAnswer;

namespace PestWorkflows.Host.Tests.Designer;

/// <summary>
/// The definition routes the Studio's definition list and editor call beyond load and save (create,
/// duplicate, unpublish, revert, delete, export, import, the bulk actions), per school: another
/// school's definition is a 404, a shared one read-only (403, and no links that change it).
/// </summary>
public sealed class ElsaDefinitionRoutesTests : IAsyncLifetime
{
    private const string Regenboog = HostApp.Coordinator;
    private const string Vlinder = HostApp.OtherCoordinator;
    private const string VlinderProtocol = "pestprotocol-vlinder";

    private SchoolApp _s = null!;

    public Task InitializeAsync()
    {
        _s = new SchoolApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private Task<ApiAnswer> SendAsync(string email, HttpMethod method, string url, JsonNode? body = null) => _s.SendAsync(email, method, url, body);

    private static JsonObject WriteLineFlow(string definitionId, string text, string? name = null)
    {
        var model = StartThenEnd(definitionId, Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal(text) }));
        if (name is not null) model["name"] = name;
        return model;
    }

    private static List<string> Rels(JsonNode links) => links.AsArray().Select(l => (string)l!["rel"]!).ToList();

    private async Task<List<(string DefinitionId, int Version, bool IsPublished)>> VersionsAsync(string email, string definitionId) =>
        (await (await _s.As(email)).ListVersionsAsync()).Where(v => v.DefinitionId == definitionId).ToList();

    [Fact]
    public async Task A_new_definition_without_an_id_gets_one_from_the_server_and_is_the_schools()
    {
        var model = WriteLineFlow("x", "hallo", "Nieuwe workflow");
        model.Remove("definitionId");
        var saved = await (await _s.As(Regenboog)).SaveDefinitionAsync(model, publish: false);

        var definitionId = (string)saved["definitionId"]!;
        Assert.False(string.IsNullOrWhiteSpace(definitionId));
        Assert.Equal("regenboog", (string?)saved["tenantId"]);
        Assert.Equal(1, (int)saved["version"]!);
        Assert.Contains("publish", Rels(saved["links"]!));
        AssertProblem(await SendAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/by-definition-id/{definitionId}"), HttpStatusCode.NotFound, "Vlinder reads it");
    }

    [SkippableFact]
    public async Task Only_the_schools_own_definitions_carry_the_links_that_let_the_Studio_edit_them()
    {
        var goldenList = Golden.Load("GET_workflow_definitions__versionOptions_Latest.json");
        var goldenDefinition = Golden.Load("POST_workflow-definitions__save.json")["workflowDefinition"]!;
        var client = await _s.As(Regenboog);
        var list = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions?versionOptions=Latest&Page=0&PageSize=10&SearchTerm=&IsSystem=False&OrderDirection=Ascending");

        // The list: the links Elsa writes that we answer, in Elsa's order, so the list is editable.
        var listRels = Rels(list["links"]!);
        Assert.Equal(Rels(goldenList["links"]!).Where(listRels.Contains), listRels);
        Assert.Contains("bulk-publish", listRels);
        Golden.AssertSameFields(goldenList["items"]![0]!, list["items"]![0]!);

        var rows = list["items"]!.AsArray().ToDictionary(i => (string)i!["definitionId"]!, i => i!);
        foreach (var shared in new[] { "hello-world", "pestprotocol" })
        {
            Assert.DoesNotContain("publish", Rels(rows[shared]["links"]!));
            Assert.DoesNotContain("delete", Rels(rows[shared]["links"]!));
            Assert.True((bool)rows[shared]["isReadonly"]!);
            var document = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/{shared}?versionOptions=Latest");
            Assert.Equal(["self", "self", "execute", "export"], Rels(document["links"]!));
        }

        var own = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/pestprotocol-regenboog?versionOptions=Latest");
        var ownRels = Rels(own["links"]!);
        Assert.Equal(["self", "self", "execute", "export", "publish", "retract", "delete"], ownRels);
        Assert.Equal(Rels(goldenDefinition["links"]!).Where(ownRels.Contains), ownRels);
        Assert.Equal(Rels(own["links"]!), Rels(rows["pestprotocol-regenboog"]["links"]!));
        Assert.False((bool)rows["pestprotocol-regenboog"]["isReadonly"]!);
    }

    [Fact]
    public async Task Unpublishing_stops_new_starts_and_only_the_school_may_unpublish_its_own()
    {
        var client = await _s.As(Regenboog);
        await client.SaveDefinitionAsync(WriteLineFlow("intrekken", "een"));

        var retracted = await client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/intrekken/retract", new JsonObject());
        Assert.Equal("intrekken", (string?)retracted["definitionId"]);
        Assert.False((bool)retracted["isPublished"]!);
        Assert.Equal([("intrekken", 1, false)], await VersionsAsync(Regenboog, "intrekken"));
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/intrekken/execute", new JsonObject()), HttpStatusCode.NotFound, "execute retracted");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/intrekken/retract", new JsonObject()), HttpStatusCode.BadRequest, "retract again");

        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/hello-world/retract", new JsonObject()), HttpStatusCode.Forbidden, "retract shared");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/{VlinderProtocol}/retract", new JsonObject()), HttpStatusCode.NotFound, "retract Vlinder's");
        Assert.True((await VersionsAsync(Vlinder, VlinderProtocol)).Single(v => v.IsPublished).IsPublished);

        // In bulk: the school's own is retracted; the rest is not found for this school.
        await client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/intrekken/publish", new JsonObject());
        var bulk = await client.PostJsonAsync($"{ElsaRoot}/bulk-actions/retract/workflow-definitions/by-definition-ids",
            new JsonObject { ["definitionIds"] = new JsonArray("intrekken", "hello-world", VlinderProtocol) });
        Assert.Equal(["retracted", "alreadyRetracted", "notFound"], Golden.Keys(bulk));
        Assert.Equal(["intrekken"], bulk["retracted"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["hello-world", VlinderProtocol], bulk["notFound"]!.AsArray().Select(n => (string)n!));
        Assert.True((await VersionsAsync(Vlinder, VlinderProtocol)).Single(v => v.IsPublished).IsPublished);
        Assert.Contains((await VersionsAsync(Regenboog, "hello-world")), v => v.IsPublished);
    }

    [Fact]
    public async Task Reverting_makes_an_earlier_version_the_latest_draft_and_leaves_the_published_one()
    {
        var client = await _s.As(Regenboog);
        var model = WriteLineFlow("terug", "een");
        await client.SaveDefinitionAsync(model);
        model["root"]!["activities"]![1]!["text"] = Literal("twee");
        await client.SaveDefinitionAsync(model);

        var answer = await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/terug/revert/1");
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal(3, (int)answer.Json["version"]!);
        Assert.True((bool)answer.Json["isLatest"]!);
        Assert.False((bool)answer.Json["isPublished"]!);
        Assert.Equal([("terug", 1, false), ("terug", 2, true), ("terug", 3, false)], await VersionsAsync(Regenboog, "terug"));
        var latest = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/terug?versionOptions=Latest");
        Assert.Equal("een", (string?)latest["root"]!["activities"]![1]!["text"]!["expression"]!["value"]);

        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/terug/revert/9"), HttpStatusCode.NotFound, "unknown version");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/hello-world/revert/1"), HttpStatusCode.Forbidden, "revert shared");
        var vlinderBefore = await VersionsAsync(Vlinder, VlinderProtocol);
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/{VlinderProtocol}/revert/1"), HttpStatusCode.NotFound, "revert Vlinder's");
        Assert.Equal(vlinderBefore, await VersionsAsync(Vlinder, VlinderProtocol));
    }

    [Fact]
    public async Task A_name_is_unique_among_the_definitions_the_school_sees()
    {
        var client = await _s.As(Regenboog);
        await client.SaveDefinitionAsync(WriteLineFlow("eigen", "x", "Onze workflow"));
        async Task<bool> UniqueAsync(string query) =>
            (bool)(await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/validation/is-name-unique?{query}"))["isUnique"]!;

        Assert.False(await UniqueAsync("name=Hallo%20wereld"));
        Assert.False(await UniqueAsync("name=onze%20WORKFLOW"));
        Assert.True(await UniqueAsync("name=Onze%20workflow&definitionId=eigen")); // renaming itself
        Assert.True(await UniqueAsync("name=Workflow%201"));
        // Vlinder's own names are not Regenboog's business.
        var vlinderName = (string)(await (await _s.As(Vlinder)).GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/{VlinderProtocol}"))["name"]!;
        Assert.True(await UniqueAsync($"name={Uri.EscapeDataString(vlinderName)}"));
        var seenByVlinder = await (await _s.As(Vlinder)).GetJsonAsync($"{ElsaRoot}/workflow-definitions/validation/is-name-unique?name={Uri.EscapeDataString(vlinderName)}");
        Assert.False((bool)seenByVlinder["isUnique"]!);
    }

    [Fact]
    public async Task A_definition_exported_as_a_file_imports_as_a_draft_of_the_school()
    {
        var client = await _s.As(Regenboog);
        var stored = await client.SaveDefinitionAsync(WriteLineFlow("uitvoer", "export mij", "Uitvoer test"));

        var export = await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/uitvoer/export?versionOptions=Latest&includeConsumingWorkflows=False");
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal("application/json", export.MediaType);
        Assert.Equal("Uitvoer-test.json", export.Response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var file = export.Json.AsObject();
        Assert.Null(file["links"]);
        Assert.Equal("https://elsaworkflows.io/schemas/workflow-definition/v3.0.0/schema.json", (string?)file["$schema"]);
        Assert.True(JsonNode.DeepEquals(stored["root"], file["root"]));

        file["definitionId"] = "invoer";
        file["name"] = "Invoer test";
        var imported = await client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/import", file);
        Assert.Equal("invoer", (string?)imported["definitionId"]);
        Assert.Equal("regenboog", (string?)imported["tenantId"]);
        Assert.False((bool)imported["isPublished"]!);
        Assert.True(JsonNode.DeepEquals(stored["root"], imported["root"]));
        Assert.Null(imported["$schema"]);

        // Importing over a shared or another school's definition changes nothing.
        file["definitionId"] = "hello-world";
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/import", file), HttpStatusCode.Forbidden, "import over shared");
        file["definitionId"] = VlinderProtocol;
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions/import", file), HttpStatusCode.NotFound, "import over Vlinder's");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/{VlinderProtocol}/export"), HttpStatusCode.NotFound, "export Vlinder's");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-definitions/hello-world/export")).Status);
    }

    [Fact]
    public async Task Bulk_publish_answers_updatedConsumers_and_bulk_delete_removes_only_the_schools_own()
    {
        var client = await _s.As(Regenboog);
        await client.SaveDefinitionAsync(WriteLineFlow("bulk-a", "a"), publish: false);
        await client.SaveDefinitionAsync(WriteLineFlow("bulk-b", "b"), publish: false);

        var published = await client.PostJsonAsync($"{ElsaRoot}/bulk-actions/publish/workflow-definitions/by-definition-ids",
            new JsonObject { ["definitionIds"] = new JsonArray("bulk-a", VlinderProtocol) });
        // The Studio reads updatedConsumers.Count: it must be an array.
        Assert.Equal(["published", "alreadyPublished", "notFound", "updatedConsumers"], Golden.Keys(published).Take(4));
        Assert.Empty(published["updatedConsumers"]!.AsArray());
        Assert.Equal(["bulk-a"], published["published"]!.AsArray().Select(n => (string)n!));
        Assert.Equal([VlinderProtocol], published["notFound"]!.AsArray().Select(n => (string)n!));

        var deleted = await client.PostJsonAsync($"{ElsaRoot}/bulk-actions/delete/workflow-definitions/by-definition-id",
            new JsonObject { ["definitionIds"] = new JsonArray("bulk-a", "bulk-b", "hello-world", VlinderProtocol, "pestprotocol-regenboog") });
        Assert.Equal(2, (int)deleted["deleted"]!);
        var left = (await client.ListVersionsAsync()).Select(v => v.DefinitionId).ToHashSet();
        Assert.DoesNotContain("bulk-a", left);
        Assert.DoesNotContain("bulk-b", left);
        Assert.Contains("hello-world", left);
        Assert.Contains("pestprotocol-regenboog", left);
        Assert.NotEmpty(await VersionsAsync(Vlinder, VlinderProtocol));
    }

    [Fact]
    public async Task A_loop_back_into_the_middle_of_a_loop_is_saved_with_a_warning()
    {
        JsonObject Line(string id) => Activity(id, "Elsa.WriteLine", new JsonObject { ["text"] = Literal(id) });
        // C is reached through A and through B, so going back from C to A enters the loop past its door.
        var invalid = Flowchart("lus", "Lus", [Activity("Start1", "Elsa.Start"), Line("A"), Line("B"), Line("C")],
            [Connection("Start1", "A"), Connection("Start1", "B"), Connection("A", "C"), Connection("B", "C"), Connection("C", "A")]);
        var saved = await (await _s.As(Regenboog)).PostJsonAsync($"{ElsaRoot}/workflow-definitions", new JsonObject { ["model"] = invalid, ["publish"] = false });
        var warning = Assert.Single(saved["validationErrors"]!.AsArray())!;
        Assert.Equal("C", (string?)warning["activityId"]);
        Assert.Contains("'A'", (string?)warning["message"]);
        Assert.Equal(1, (int)saved["workflowDefinition"]!["version"]!);

        // A loop entered only through its first step is fine.
        var valid = Flowchart("lus-goed", "Lus goed", [Activity("Start1", "Elsa.Start"), Line("A"), Line("B")],
            [Connection("Start1", "A"), Connection("A", "B"), Connection("B", "A")]);
        var fine = await (await _s.As(Regenboog)).PostJsonAsync($"{ElsaRoot}/workflow-definitions", new JsonObject { ["model"] = valid, ["publish"] = false });
        Assert.Empty(fine["validationErrors"]!.AsArray());
    }

    public static TheoryData<string, JsonObject, string, string> InvalidDefinitions() => new()
    {
        {
            "connection from a port the activity does not have",
            Flowchart("poort", "Poort", [Activity("Start1", "Elsa.Start"), Activity("End1", "Elsa.End")], [Connection("Start1", "End1", port: "Misschien")]),
            "connections/Flowchart1/1",
            "port 'Misschien'"
        },
        {
            "a required input left empty",
            StartThenEnd("leeg", Activity("RunTask1", "Elsa.RunTask", new JsonObject { ["taskName"] = Literal("") })),
            "activities/RunTask1/TaskName",
            "is required"
        },
        {
            "a required input missing",
            StartThenEnd("zonder", Activity("Event1", "Elsa.Event")),
            "activities/Event1/EventName",
            "is required"
        },
        {
            "unknown activity type",
            StartThenEnd("onbekend", Activity("Mystery1", "Pestprotocol.DoesNotExist")),
            "activities/Mystery1",
            "unknown type 'Pestprotocol.DoesNotExist'"
        },
        {
            "connection to a missing activity",
            Flowchart("los", "Los", [Activity("Start1", "Elsa.Start")], [Connection("Start1", "Ghost1")]),
            "connections/Flowchart1/1",
            "goes to activity 'Ghost1'"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task Saving_checks_the_definition_against_the_descriptors_and_names_each_problem(string _, JsonObject model, string key, string problem)
    {
        var before = await (await _s.As(Regenboog)).ListVersionsAsync();
        foreach (var publish in new[] { false, true })
        {
            var answer = await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/workflow-definitions", new JsonObject { ["model"] = model.DeepClone(), ["publish"] = publish });
            AssertProblem(answer, HttpStatusCode.BadRequest, $"save (publish: {publish})");
            var errors = answer.Json["errors"]!.AsObject();
            Assert.True(errors.ContainsKey(key), $"no error under '{key}': {errors.ToJsonString()}");
            Assert.Contains(errors[key]!.AsArray(), e => ((string)e!).Contains(problem, StringComparison.Ordinal));
        }
        Assert.Equal(before, await (await _s.As(Regenboog)).ListVersionsAsync());
    }
}
