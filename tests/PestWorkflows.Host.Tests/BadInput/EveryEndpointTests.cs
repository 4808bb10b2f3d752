using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.BadInput;

/// <summary>
/// Every endpoint the host maps (read from its <see cref="EndpointDataSource"/>, so a new endpoint
/// is covered without changing this test), sent what a careless or hostile client sends: never a
/// 5xx, every 4xx a problem+json, and a refused request leaves nothing behind.
/// </summary>
public sealed class EveryEndpointTests(ITestOutputHelper output) : IAsyncLifetime
{
    private SchoolApp _s = null!;

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        await _s.As(HostApp.Coordinator);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    /// <summary>Routes whose purpose is to end the caller's session; tried last, on their own.</summary>
    private static readonly HashSet<string> SessionEnders = ["/api/auth/logout"];

    private static readonly string[] TextFields =
    [
        "email", "password", "refreshToken", "oldPassword", "newPassword", "description", "location", "pupilId", "userId", "role",
        "outcome", "notes", "correlationId", "workflowInstanceId", "name", "definitionId", "searchTerm",
    ];

    private static string WrongTypes() =>
        "{" + string.Join(",", TextFields.Select((f, i) => $"\"{f}\":{(i % 3 == 0 ? "12345" : i % 3 == 1 ? "[1,2]" : "{\"x\":true}")}"))
        + ",\"observedAt\":true,\"boundaryCrossed\":\"ja\",\"pupils\":\"iedereen\",\"result\":\"klaar\",\"model\":[],\"publish\":\"ja\","
        + "\"definitionIds\":\"x\",\"input\":\"x\",\"page\":\"first\",\"pageSize\":\"ten\",\"version\":\"v1\",\"statuses\":\"Running\",\"filter\":7}";

    private static string Fields(Func<string, string> value) =>
        "{" + string.Join(",", TextFields.Select(f => $"\"{f}\":\"{value(f)}\"")) + ",\"result\":{" + string.Join(",", TextFields.Select(f => $"\"{f}\":\"{value(f)}\"")) + "}}";

    private static readonly (string Name, byte[] Body, bool MustBeRefused)[] Bodies =
    [
        ("empty body", [], false),
        ("invalid JSON", Encoding.UTF8.GetBytes("{\"email\": \"a\", \"description\": "), true),
        ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)), true),
        ("deep nesting in a field", Encoding.UTF8.GetBytes("{\"result\":" + new string('[', 10_000) + new string(']', 10_000) + ",\"input\":{}}"), true),
        ("wrong types", Encoding.UTF8.GetBytes(WrongTypes()), false),
        ("an array instead of an object", Encoding.UTF8.GetBytes("[1,2,3]"), true),
        ("invalid UTF-8", [.. Encoding.UTF8.GetBytes("{\"email\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\",\"description\":\""), 0xFE, 0xFF, .. Encoding.UTF8.GetBytes("\"}")], false),
        ("oversized values", Encoding.UTF8.GetBytes(Fields(_ => new string('x', 5000))), false),
        ("oversized body", Encoding.UTF8.GetBytes("{\"description\":\"" + new string('x', 9 * 1024 * 1024) + "\"}"), true),
        ("unknown enum values", Encoding.UTF8.GetBytes("""{"pupils":[{"pupilId":"x","role":"Villain"}],"role":"Conciërge","status":"Exploded","statuses":["Exploded"],"subStatus":"Weird","versionOptions":"Sometimes","outcome":"Misschien","result":{"outcome":"Misschien"}}"""), false),
        ("script in text fields", Encoding.UTF8.GetBytes(Fields(_ => "<script>alert(1)</script>")), false),
    ];

    private const string WrongQuery =
        "?overdue=maybe&assignedToMe=perhaps&page=first&pageSize=ten&version=v1&hasIncidents=sometimes&skip=x&take=y&isSystem=z"
        + "&status=Exploded&subStatus=Weird&versionOptions=Sometimes&orderBy=%FF&search=%3Cscript%3E&searchTerm=%C3%28&useCookies=soms";

    private (long Cases, long Tasks, long Timeline, long Users, long Definitions, long Instances) Stored()
    {
        using var connection = new SqliteConnection(_s.App.Database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM tasks), (SELECT COUNT(*) FROM case_timeline),
                   (SELECT COUNT(*) FROM AspNetUsers), (SELECT COUNT(*) FROM workflow_definitions), (SELECT COUNT(*) FROM workflow_instances)
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    /// <summary>Every API endpoint (the pages answer HTML, not problem+json, and have their own tests; the
    /// Studio's static files take no input).</summary>
    private List<(string Method, string Path, string Pattern)> Endpoints(Func<string, string, string>? value = null) =>
        _s.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => EndpointPaths.IsApi(e))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Method: m, Path: value is null ? EndpointPaths.Fill(e.RoutePattern) : EndpointPaths.Fill(e.RoutePattern, name => value(e.RoutePattern.RawText ?? "", name)),
                    Pattern: e.RoutePattern.RawText ?? "")))
            .Where(e => e.Path is not null)
            .Select(e => (e.Method, e.Path!, e.Pattern))
            .Distinct()
            .ToList();

    private async Task<string?> CheckAsync(HttpClient client, string method, string path, byte[]? body, string what, bool mustBeRefused)
    {
        var before = Stored();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var name = $"{method} {path} with {what}";
        output.WriteLine($"{status} {name}");
        if (status >= 500) return $"{name}: {status} {text[..Math.Min(text.Length, 300)]}";
        if (status >= 400 && status != 401 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            return $"{name}: {status} without problem+json ({response.Content.Headers.ContentType})";
        if (mustBeRefused && status < 400) return $"{name}: accepted with {status}";
        if (status >= 400 && Stored() != before) return $"{name}: refused with {status} but stored something";
        return null;
    }

    [Fact]
    public async Task No_endpoint_answers_a_5xx_or_keeps_anything_of_a_bad_request()
    {
        var client = await _s.As(HostApp.Coordinator);
        var endpoints = Endpoints();
        Assert.Contains(endpoints, e => e.Pattern.StartsWith("/elsa/api", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Pattern.StartsWith("/api/cases", StringComparison.Ordinal));
        var failures = new List<string>();
        foreach (var (method, path, _) in endpoints.Where(e => !SessionEnders.Contains(e.Path)))
        {
            failures.Add(await CheckAsync(client, method, path + WrongQuery, method == "GET" ? null : [], "wrong query values", mustBeRefused: false) ?? "");
            if (method == "GET") continue;
            foreach (var (name, body, mustBeRefused) in Bodies)
                failures.Add(await CheckAsync(client, method, path, body, name, mustBeRefused) ?? "");
        }
        foreach (var path in SessionEnders)
            failures.Add(await CheckAsync(client, "POST", path, Bodies.Single(b => b.Name == "invalid JSON").Body, "invalid JSON", mustBeRefused: false) ?? "");
        failures.RemoveAll(f => f.Length == 0);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The same with ids that exist (a real case, its open task and its workflow instance),
    /// so the requests reach the handlers' own checks. Endpoints that take no body may accept these.</summary>
    [Fact]
    public async Task With_real_ids_no_endpoint_answers_a_5xx_or_keeps_anything_of_a_refused_request()
    {
        var pupil = (string)(await _s.PupilsAsync(HostApp.Teacher1))[0]["id"]!;
        var created = await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((pupil, "Bullied")));
        var caseId = (string)created["id"]!;
        var instanceId = (string)created["workflowInstanceId"]!;
        var taskId = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        string Value(string pattern, string name) => (pattern, name) switch
        {
            (_, "definitionId") => "hello-world",
            (_, "eventName") => "Ping",
            (var p, "id") when p.Contains("/cases", StringComparison.Ordinal) => caseId,
            (var p, "id") when p.Contains("/tasks", StringComparison.Ordinal) => taskId,
            (var p, "id") when p.Contains("/workflow-instances", StringComparison.Ordinal) => instanceId,
            _ => "bestaat-niet",
        };

        var client = await _s.As(HostApp.Coordinator);
        var failures = new List<string>();
        foreach (var (method, path, pattern) in Endpoints(Value).Where(e => !SessionEnders.Contains(e.Path)))
        {
            failures.Add(await CheckAsync(client, method, path + WrongQuery, method == "GET" ? null : [], "wrong query values", mustBeRefused: false) ?? "");
            if (method == "GET") continue;
            foreach (var (name, body, _) in Bodies)
                failures.Add(await CheckAsync(client, method, path, body, name, mustBeRefused: false) ?? "");
        }
        failures.RemoveAll(f => f.Length == 0);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
