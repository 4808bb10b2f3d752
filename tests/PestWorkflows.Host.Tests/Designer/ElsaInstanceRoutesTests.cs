using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using static PestWorkflows.Host.Tests.Infrastructure.Definitions;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

using static PestWorkflows.Host.Tests.Infrastructure.ApiAnswer;

namespace PestWorkflows.Host.Tests.Designer;

/// <summary>
/// What the Studio's instance list and viewer do to and read of one instance (cancel, delete,
/// export, bulk cancel and delete, execution state, variables), per school. A case's instance is
/// the school's record of the case and is never deleted while the case exists.
/// </summary>
public sealed class ElsaInstanceRoutesTests : IAsyncLifetime
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

    private Task<ApiAnswer> SendAsync(string email, HttpMethod method, string url, JsonNode? body = null) => _s.SendAsync(email, method, url, body);

    /// <summary>Starts a Regenboog instance that waits on an Elsa RunTask (no case behind it).</summary>
    private async Task<string> StartWaitingAsync(string email = Regenboog, string definitionId = "wachtend")
    {
        var client = await _s.As(email);
        await client.SaveDefinitionAsync(StartThenEnd(definitionId, Activity("RunTask1", "Elsa.RunTask", new JsonObject { ["taskName"] = Literal("Bellen") })));
        var state = (await client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/{definitionId}/execute", new JsonObject()))["workflowState"]!;
        Assert.Equal("Suspended", (string?)state["subStatus"]);
        return (string)state["id"]!;
    }

    private async Task<string> StartFinishedAsync(string email = Regenboog)
    {
        var state = (await (await _s.As(email)).PostJsonAsync($"{ElsaRoot}/workflow-definitions/hello-world/execute", new JsonObject()))["workflowState"]!;
        Assert.Equal("Finished", (string?)state["status"]);
        return (string)state["id"]!;
    }

    private async Task<string> CaseInstanceAsync()
    {
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        var created = await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied"), ((string)pupils[1]["id"]!, "Bully")));
        var instanceId = (string?)created["workflowInstanceId"];
        Assert.False(string.IsNullOrEmpty(instanceId), $"the case names no instance: {created.ToJsonString()}");
        return instanceId!;
    }

    private async Task<string> SubStatusAsync(string instanceId) =>
        (string)(await (await _s.As(Regenboog)).GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}"))["subStatus"]!;

    [Fact]
    public async Task Cancelling_stops_a_waiting_instance_once_and_another_school_cannot()
    {
        var instanceId = await StartWaitingAsync();

        AssertProblem(await SendAsync(Vlinder, HttpMethod.Post, $"{ElsaRoot}/cancel/workflow-instances/{instanceId}"), HttpStatusCode.NotFound, "Vlinder cancels");
        Assert.Equal("Suspended", await SubStatusAsync(instanceId));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/cancel/workflow-instances/{instanceId}")).Status);
        Assert.Equal("Cancelled", await SubStatusAsync(instanceId));
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/cancel/workflow-instances/{instanceId}"), HttpStatusCode.Conflict, "cancel again");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/cancel/workflow-instances/bestaat-niet"), HttpStatusCode.NotFound, "cancel unknown");
    }

    [Fact]
    public async Task Deleting_an_instance_removes_it_with_its_history_but_not_for_another_school()
    {
        var instanceId = await StartFinishedAsync();

        AssertProblem(await SendAsync(Vlinder, HttpMethod.Delete, $"{ElsaRoot}/workflow-instances/{instanceId}"), HttpStatusCode.NotFound, "Vlinder deletes");
        Assert.Equal("Finished", await SubStatusAsync(instanceId));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(Regenboog, HttpMethod.Delete, $"{ElsaRoot}/workflow-instances/{instanceId}")).Status);
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}"), HttpStatusCode.NotFound, "get deleted");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}/journal"), HttpStatusCode.NotFound, "journal of deleted");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/activity-executions/list?workflowInstanceId={instanceId}"), HttpStatusCode.NotFound, "executions of deleted");
        AssertProblem(await SendAsync(Regenboog, HttpMethod.Delete, $"{ElsaRoot}/workflow-instances/{instanceId}"), HttpStatusCode.NotFound, "delete again");
    }

    [Fact]
    public async Task A_cases_instance_cannot_be_deleted_or_cancelled_while_the_case_exists()
    {
        var instanceId = await CaseInstanceAsync();

        var notCancelled = await SendAsync(Regenboog, HttpMethod.Post, $"{ElsaRoot}/cancel/workflow-instances/{instanceId}");
        AssertProblem(notCancelled, HttpStatusCode.Conflict, "cancel a case's instance");
        Assert.Contains("zaak", (string?)notCancelled.Json["detail"]);
        var bulkCancel = await (await _s.As(Regenboog)).PostJsonAsync($"{ElsaRoot}/bulk-actions/cancel/workflow-instances", new JsonObject { ["ids"] = new JsonArray(instanceId) });
        Assert.Equal(0, (int)bulkCancel["cancelled"]!);

        var refused = await SendAsync(Regenboog, HttpMethod.Delete, $"{ElsaRoot}/workflow-instances/{instanceId}");
        AssertProblem(refused, HttpStatusCode.Conflict, "delete a case's instance");
        Assert.Contains("zaak", (string?)refused.Json["detail"]);

        var bulk = await (await _s.As(Regenboog)).PostJsonAsync($"{ElsaRoot}/bulk-actions/delete/workflow-instances/by-id", new JsonObject { ["ids"] = new JsonArray(instanceId) });
        Assert.Equal(0, (int)bulk["deleted"]!);
        Assert.Equal("Suspended", await SubStatusAsync(instanceId));
        Assert.NotEmpty((await (await _s.As(Regenboog)).GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}/journal"))["items"]!.AsArray());
    }

    [Fact]
    public async Task Bulk_cancel_and_delete_act_on_the_schools_own_instances_only()
    {
        var waiting = await StartWaitingAsync();
        var finished = await StartFinishedAsync();
        var vlinders = await StartWaitingAsync(Vlinder, "wachtend-vlinder");

        var cancelled = await (await _s.As(Regenboog)).PostJsonAsync($"{ElsaRoot}/bulk-actions/cancel/workflow-instances",
            new JsonObject { ["ids"] = new JsonArray(waiting, finished, vlinders) });
        Assert.Equal(["cancelled"], Golden.Keys(cancelled));
        Assert.Equal(1, (int)cancelled["cancelled"]!);
        Assert.Equal("Cancelled", await SubStatusAsync(waiting));

        var deleted = await (await _s.As(Regenboog)).PostJsonAsync($"{ElsaRoot}/bulk-actions/delete/workflow-instances/by-id",
            new JsonObject { ["ids"] = new JsonArray(waiting, finished, vlinders) });
        Assert.Equal(2, (int)deleted["deleted"]!);
        var vlinderState = await (await _s.As(Vlinder)).GetJsonAsync($"{ElsaRoot}/workflow-instances/{vlinders}");
        Assert.Equal("Suspended", (string?)vlinderState["subStatus"]);
        Assert.Empty((await (await _s.As(Regenboog)).GetJsonAsync($"{ElsaRoot}/workflow-instances?definitionId=wachtend"))["items"]!.AsArray());
    }

    [SkippableFact]
    public async Task The_execution_state_and_the_export_describe_the_instance_as_Elsa_does()
    {
        var golden = Golden.Load("GET_workflow_instances_id.json");
        var instanceId = await StartWaitingAsync();
        var client = await _s.As(Regenboog);
        var instance = await client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}");
        // The golden instance had finished; a running one has no finishedAt (nulls are left out).
        Golden.AssertSameFields(golden, instance, "finishedAt");

        var state = await client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}/execution-state");
        Assert.Equal(["status", "workflowSubStatus", "updatedAt"], Golden.Keys(state));
        Assert.Equal("Running", (string?)state["status"]);
        Assert.Equal("Suspended", (string?)state["workflowSubStatus"]);
        // The viewer re-reads everything when updatedAt moves: it is the instance's, not the clock's.
        Assert.Equal(DateTimeOffset.Parse((string)instance["updatedAt"]!), DateTimeOffset.Parse((string)state["updatedAt"]!));

        var export = await SendAsync(Regenboog, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}/export");
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal("application/json", export.MediaType);
        Assert.NotNull(export.Response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(instanceId, (string?)export.Json["id"]);
        Golden.AssertSameFields(golden, export.Json, "finishedAt");

        AssertProblem(await SendAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}/execution-state"), HttpStatusCode.NotFound, "Vlinder's state");
        AssertProblem(await SendAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}/export"), HttpStatusCode.NotFound, "Vlinder's export");
        AssertProblem(await SendAsync(Vlinder, HttpMethod.Get, $"{ElsaRoot}/workflow-instances/{instanceId}/variables"), HttpStatusCode.NotFound, "Vlinder's variables");
    }

    [Fact]
    public async Task The_variables_tab_lists_each_declared_variable_with_its_value()
    {
        var client = await _s.As(Regenboog);
        var model = StartThenEnd("met-variabele", Activity("RunTask1", "Elsa.RunTask", new JsonObject { ["taskName"] = Literal("Bellen") }));
        model["variables"] = new JsonArray(new JsonObject
        {
            ["id"] = "teller-id", ["name"] = "Teller", ["typeName"] = "Int32", ["value"] = "5", ["isArray"] = false,
            ["storageDriverTypeName"] = "Elsa.Workflows.WorkflowInstanceStorageDriver, Elsa.Workflows.Core",
        });
        await client.SaveDefinitionAsync(model);
        var instanceId = (string)(await client.PostJsonAsync($"{ElsaRoot}/workflow-definitions/met-variabele/execute", new JsonObject()))["workflowState"]!["id"]!;

        var variables = await client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{instanceId}/variables");
        Assert.Equal(["items", "count"], Golden.Keys(variables));
        var teller = Assert.Single(variables["items"]!.AsArray())!;
        Assert.Equal(["id", "name", "value"], Golden.Keys(teller));
        Assert.Equal("teller-id", (string?)teller["id"]);
        Assert.Equal("Teller", (string?)teller["name"]);
        Assert.Equal(5, (int)teller["value"]!);

        // A workflow without variables answers an empty list (the viewer's tab must not fail).
        var none = await client.GetJsonAsync($"{ElsaRoot}/workflow-instances/{await StartFinishedAsync()}/variables");
        Assert.Equal(0, (int)none["count"]!);
    }
}
