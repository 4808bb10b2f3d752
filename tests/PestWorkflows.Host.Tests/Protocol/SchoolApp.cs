using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>
/// The host with the demo schools, signed-in clients per account, and helpers that do what staff do
/// through the API: report a signal, find their task, complete it.
/// </summary>
public sealed class SchoolApp : IAsyncDisposable
{
    private readonly TempDatabase _database = new();
    private readonly Dictionary<string, (HttpClient Client, DateTimeOffset At)> _clients = new();

    public SchoolApp(DateTimeOffset? startAt = null, Action<IServiceCollection>? configureServices = null) =>
        App = new HostApp(_database, clock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(startAt ?? HostApp.StartTime), configureServices: configureServices);

    public HostApp App { get; }

    /// <summary>A client signed in as this account. Bearer tokens live an hour on the (fake) clock,
    /// so after the clock moved on, the person signs in again, as they would.</summary>
    public async Task<HttpClient> As(string email)
    {
        var now = App.Clock.GetUtcNow();
        if (_clients.TryGetValue(email, out var known) && now - known.At < TimeSpan.FromMinutes(30)) return known.Client;
        known.Client?.Dispose();
        var client = await App.LoginAsync(email);
        _clients[email] = (client, now);
        return client;
    }

    /// <summary>The demo pupils of a school, by id.</summary>
    public async Task<List<JsonNode>> PupilsAsync(string email, string search = "")
    {
        var client = await As(email);
        return (await client.GetJsonAsync($"/api/pupils?search={Uri.EscapeDataString(search)}")).AsArray().Select(p => p!).ToList();
    }

    public static JsonObject Signal(params (string PupilId, string Role)[] pupils) => new()
    {
        ["description"] = "Tijdens de pauze werd een leerling steeds uitgescholden en buitengesloten.",
        ["observedAt"] = HostApp.StartTime.AddMinutes(-30).ToString("O"),
        ["location"] = "Schoolplein",
        ["boundaryCrossed"] = true,
        ["pupils"] = new JsonArray(pupils.Select(p => (JsonNode)new JsonObject { ["pupilId"] = p.PupilId, ["role"] = p.Role }).ToArray()),
    };

    public async Task<JsonObject> ReportAsync(string email, JsonObject signal)
    {
        var client = await As(email);
        using var response = await client.PostAsync("/api/cases", HttpJson.Content(signal));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /api/cases: {(int)response.StatusCode} {text}");
        Assert.Equal($"/api/cases/{(string)JsonNode.Parse(text)!["id"]!}", response.Headers.Location?.OriginalString);
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> CaseAsync(string email, string caseId) => (await (await As(email)).GetJsonAsync($"/api/cases/{caseId}")).AsObject();

    /// <summary>The open task of a case that this person may act on, by activity type.</summary>
    public async Task<JsonObject> TaskAsync(string email, string caseId, string activityType)
    {
        var tasks = (await (await As(email)).GetJsonAsync($"/api/tasks?caseId={caseId}")).AsArray();
        var task = tasks.SingleOrDefault(t => (string?)t!["activityType"] == activityType);
        Assert.True(task is not null, $"{email} has no open {activityType} task for case {caseId}; has: {string.Join(", ", tasks.Select(t => (string?)t!["activityType"]))}");
        return task!.AsObject();
    }

    /// <summary>Any request as this account, read in full whatever its status.</summary>
    public async Task<ApiAnswer> SendAsync(string email, HttpMethod method, string url, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : HttpJson.Content(body) };
        return await ApiAnswer.ReadAsync(await (await As(email)).SendAsync(request));
    }

    public async Task<HttpResponseMessage> CompleteRawAsync(string email, string taskId, JsonObject result) =>
        await (await As(email)).PostAsync($"/elsa/api/tasks/{taskId}/complete", HttpJson.Content(new JsonObject { ["result"] = result }));

    /// <summary>Finds the task, completes it through Elsa's route, and expects 200.</summary>
    public async Task<JsonObject> CompleteAsync(string email, string caseId, string activityType, JsonObject result)
    {
        var task = await TaskAsync(email, caseId, activityType);
        using var response = await CompleteRawAsync(email, (string)task["id"]!, result);
        Assert.True(response.IsSuccessStatusCode, $"complete {activityType}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return task;
    }

    /// <summary>Walks a reported case of De Regenboog through steps 1–5 to its monitoring period, as staff do.</summary>
    public async Task UpToMonitoringAsync(string caseId)
    {
        await CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken met de melder" });
        await CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = "herhaald en bewust" });
        await CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "pester, meelopers, helpers besproken" });
        var plan = await TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach");
        var staff = StaffByName(plan);
        await CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach", new JsonObject
        {
            ["informed"] = new JsonArray("ParentsOfBullied", "ParentsOfBully"),
            ["registration"] = "In ESIS onder pestincidenten",
            ["bulliedPupilConversationBy"] = staff["Joost Mulder"],
            ["bullyConversationBy"] = staff["Diana de Wit"],
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        });
        await CompleteAsync(HostApp.Teacher2, caseId, "Pestprotocol.ConversationWithBulliedPupil", new JsonObject { ["notes"] = "gesprek gevoerd", ["withConfidant"] = false });
        await CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.ConversationWithBully", new JsonObject { ["notes"] = "gesprek gevoerd", ["nadenkvelSigned"] = true });
    }

    public async Task<int> RunTimersAsync() => await App.Services.GetRequiredService<TimerDispatcher>().DispatchDueAsync();

    /// <summary>Staff ids by display name, from a person field's options (what a client would show).</summary>
    public static Dictionary<string, string> StaffByName(JsonObject task) =>
        task["fields"]!.AsArray().First(f => (string?)f!["type"] == "user")!["options"]!.AsArray()
            .ToDictionary(o => (string)o!["label"]!, o => (string)o!["value"]!);

    public async ValueTask DisposeAsync()
    {
        foreach (var (client, _) in _clients.Values) client.Dispose();
        await App.DisposeAsync();
        _database.Dispose();
    }
}
