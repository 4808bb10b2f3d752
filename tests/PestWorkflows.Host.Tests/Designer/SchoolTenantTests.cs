using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using static PestWorkflows.Host.Tests.Infrastructure.Definitions;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

namespace PestWorkflows.Host.Tests.Designer;

/// <summary>
/// Each school is its own tenant in the engine: events, tasks and instances stay within the school,
/// the shared definitions (hello-world, the protocol template) are read-only for a school's designers,
/// and the <c>pestprotocol-</c> ids are the schools' own copies only.
/// </summary>
public sealed class SchoolTenantTests : IAsyncLifetime
{
    private const string Regenboog = HostApp.Coordinator;
    private const string Vlinder = HostApp.OtherCoordinator;

    private SchoolApp _s = null!;

    public Task InitializeAsync()
    {
        _s = new SchoolApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private sealed record Answer(HttpStatusCode Status, string? MediaType, string Text)
    {
        public JsonNode Json => JsonNode.Parse(Text)!;
    }

    private async Task<Answer> PostAsync(string email, string url, JsonNode body)
    {
        using var response = await (await _s.As(email)).PostAsync(url, Content(body));
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private async Task<Answer> DeleteAsync(string email, string definitionId)
    {
        using var response = await (await _s.As(email)).DeleteAsync($"{ElsaRoot}/workflow-definitions/{definitionId}");
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static JsonObject Save(JsonObject model, bool publish = true) => new() { ["model"] = model.DeepClone(), ["publish"] = publish };

    private async Task<JsonNode> ExecuteAsync(string email, string definitionId) =>
        (await (await _s.As(email)).PostJsonAsync($"{ElsaRoot}/workflow-definitions/{definitionId}/execute", new JsonObject()))["workflowState"]!;

    private async Task<string> SubStatusAsync(string email, string instanceId) =>
        (string)(await (await _s.As(email)).GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}"))["subStatus"]!;

    private static JsonObject Publishing(string definitionId, string eventName) =>
        StartThenEnd(definitionId, Activity("Publish1", "Elsa.PublishEvent", new JsonObject { ["eventName"] = Literal(eventName) }));

    private static JsonObject Waiting(string definitionId, string eventName) =>
        StartThenEnd(definitionId, Activity("Event1", "Elsa.Event", new JsonObject { ["eventName"] = Literal(eventName) }));

    private static string NewSignalEvent(string pupilId) => $"Pestprotocol.NewSignal:{pupilId}";

    /// <summary>Reports a signal at De Regenboog and walks the case to its monitoring period (step 5).</summary>
    private async Task<(string CaseId, string Bully)> RegenboogCaseInMonitoringAsync()
    {
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        var bullied = (string)pupils[10]["id"]!;
        var bully = (string)pupils[11]["id"]!;
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((bullied, "Bullied"), (bully, "Bully"))))["id"]!;
        await _s.UpToMonitoringAsync(caseId);
        return (caseId, bully);
    }

    [Fact]
    public async Task A_workflow_of_another_school_that_publishes_the_new_signal_event_does_not_move_a_case()
    {
        var (caseId, bully) = await RegenboogCaseInMonitoringAsync();
        var before = await _s.CaseAsync(Regenboog, caseId);

        // De Vlinder's coordinator saves and runs a workflow that publishes the event for Regenboog's pupil.
        await (await _s.As(Vlinder)).SaveDefinitionAsync(Publishing("stoorzender", NewSignalEvent(bully)));
        Assert.Equal("Finished", (string?)(await ExecuteAsync(Vlinder, "stoorzender"))["subStatus"]);

        var after = await _s.CaseAsync(Regenboog, caseId);
        Assert.Equal((int)before["currentStep"]!, (int)after["currentStep"]!);
        Assert.DoesNotContain(after["timeline"]!.AsArray(), e => (string?)e!["kind"] == "NewSignalDuringMonitoring");
        Assert.DoesNotContain(after["openTasks"]!.AsArray(), t => (string?)t!["activityType"] == "Pestprotocol.ConversationWithBullyParents");

        // The same workflow run by De Regenboog's own coordinator does reach the case: the event itself is right.
        await (await _s.As(Regenboog)).SaveDefinitionAsync(Publishing("eigen-melding", NewSignalEvent(bully)));
        await ExecuteAsync(Regenboog, "eigen-melding");
        Assert.Equal(6, (int)(await _s.CaseAsync(Regenboog, caseId))["currentStep"]!);
    }

    [Fact]
    public async Task A_signal_reported_at_one_school_reaches_no_workflow_of_another_school()
    {
        // De Regenboog's coordinator sets a workflow listening for signals about a pupil of De Vlinder.
        var vlinderPupil = (string)(await _s.PupilsAsync(HostApp.OtherTeacher))[0]["id"]!;
        await (await _s.As(Regenboog)).SaveDefinitionAsync(Waiting("meeluisteren", NewSignalEvent(vlinderPupil)));
        var listener = (string)(await ExecuteAsync(Regenboog, "meeluisteren"))["id"]!;
        Assert.Equal("Suspended", await SubStatusAsync(Regenboog, listener));

        var reported = await _s.ReportAsync(HostApp.OtherTeacher, SchoolApp.Signal((vlinderPupil, "Bully")));

        // De Regenboog learns nothing, and De Vlinder's case is not said to be linked to a case.
        Assert.Equal("Suspended", await SubStatusAsync(Regenboog, listener));
        var vlinderCase = await _s.CaseAsync(Vlinder, (string)reported["id"]!);
        Assert.DoesNotContain(vlinderCase["timeline"]!.AsArray(), e => (string?)e!["kind"] == "LinkedCase");
    }

    [Theory]
    [InlineData("hello-world")]
    [InlineData("pestprotocol")]
    public async Task A_shared_definition_is_read_only_for_a_schools_designer(string definitionId)
    {
        var client = await _s.As(Regenboog);
        var before = await client.ListVersionsAsync();
        var shared = (await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/{definitionId}?versionOptions=Latest")).AsObject();
        Assert.Equal("*", (string?)shared["tenantId"]);
        Assert.True((bool)shared["isReadonly"]!);

        var edited = shared.DeepClone().AsObject();
        edited["description"] = "bewerkt door de Regenboog";
        foreach (var publish in new[] { false, true })
        {
            var saved = await PostAsync(Regenboog, $"{ElsaRoot}/workflow-definitions", Save(edited, publish));
            AssertForbidden(saved, $"save (publish: {publish})");
            Assert.Contains("alleen-lezen", (string?)saved.Json["title"]);
        }
        AssertForbidden(await PostAsync(Regenboog, $"{ElsaRoot}/workflow-definitions/{definitionId}/publish", new JsonObject()), "publish");
        AssertForbidden(await DeleteAsync(Regenboog, definitionId), "delete");
        var bulk = await client.PostJsonAsync($"{ElsaRoot}/bulk-actions/publish/workflow-definitions/by-definition-ids",
            new JsonObject { ["definitionIds"] = new JsonArray(definitionId) });
        Assert.Equal([definitionId], bulk["skipped"]!.AsArray().Select(n => (string)n!));

        // Nothing changed, for either school.
        Assert.Equal(before, await client.ListVersionsAsync());
        var seenByVlinder = await (await _s.As(Vlinder)).GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/{definitionId}?versionOptions=Latest");
        Assert.Equal((string?)shared["description"], (string?)seenByVlinder["description"]);
    }

    [Fact]
    public async Task The_pestprotocol_prefix_is_for_the_schools_own_copies_only()
    {
        var client = await _s.As(Regenboog);
        var model = StartThenEnd("pestprotocol-nieuw", Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("x") }));
        var refused = await PostAsync(Regenboog, $"{ElsaRoot}/workflow-definitions", Save(model));
        AssertForbidden(refused, "save pestprotocol-nieuw");
        Assert.Contains("pestprotocol-", (string?)refused.Json["detail"]);
        Assert.DoesNotContain(await client.ListVersionsAsync(), v => v.DefinitionId == "pestprotocol-nieuw");

        // Another school's copy is not there at all; the school's own copy is theirs to edit.
        var vlinders = await PostAsync(Regenboog, $"{ElsaRoot}/workflow-definitions",
            Save(StartThenEnd("pestprotocol-vlinder", Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("x") }))));
        Assert.Equal(HttpStatusCode.NotFound, vlinders.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await DeleteAsync(Regenboog, "pestprotocol-vlinder")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await DeleteAsync(Regenboog, "pestprotocol-regenboog")).Status);
        var own = (await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/pestprotocol-regenboog?versionOptions=Latest")).AsObject();
        Assert.Equal("regenboog", (string?)own["tenantId"]);
        Assert.False((bool)own["isReadonly"]!);
        own["description"] = "ons eigen protocol";
        var saved = await client.SaveDefinitionAsync(own);
        Assert.Equal("ons eigen protocol", (string?)saved["description"]);
    }

    [Fact]
    public async Task A_school_deletes_its_own_definition_and_no_other()
    {
        var client = await _s.As(Regenboog);
        await client.SaveDefinitionAsync(StartThenEnd("weg-ermee", Activity("WriteLine1", "Elsa.WriteLine", new JsonObject { ["text"] = Literal("x") })));

        Assert.Equal(HttpStatusCode.NotFound, (await DeleteAsync(Vlinder, "weg-ermee")).Status);
        Assert.Contains(await client.ListVersionsAsync(), v => v.DefinitionId == "weg-ermee");

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAsync(Regenboog, "weg-ermee")).Status);
        Assert.DoesNotContain(await client.ListVersionsAsync(), v => v.DefinitionId == "weg-ermee");
        Assert.Equal(HttpStatusCode.NotFound, (await DeleteAsync(Regenboog, "weg-ermee")).Status);
    }

    [Fact]
    public async Task An_instance_started_from_the_designer_belongs_to_the_starters_school()
    {
        var instanceId = (string)(await ExecuteAsync(Regenboog, "hello-world"))["id"]!;

        Assert.Equal("Finished", await SubStatusAsync(Regenboog, instanceId));
        var regenboog = await (await _s.As(Regenboog)).GetJsonAsync($"{ElsaRoot}/workflow-instances?definitionId=hello-world");
        Assert.Contains(regenboog["items"]!.AsArray(), i => (string?)i!["id"] == instanceId);
        var vlinder = await (await _s.As(Vlinder)).GetJsonAsync($"{ElsaRoot}/workflow-instances?definitionId=hello-world");
        Assert.DoesNotContain(vlinder["items"]!.AsArray(), i => (string?)i!["id"] == instanceId);
        using var response = await (await _s.As(Vlinder)).GetAsync($"{ElsaRoot}/workflow-instances/{instanceId}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static void AssertForbidden(Answer answer, string what)
    {
        Assert.True(answer.Status == HttpStatusCode.Forbidden, $"{what}: expected 403, got {(int)answer.Status} {answer.Text}");
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.Equal(403, (int)answer.Json["status"]!);
    }
}
