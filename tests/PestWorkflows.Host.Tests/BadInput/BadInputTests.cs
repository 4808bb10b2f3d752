using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.BadInput;

/// <summary>Malformed or too large requests get a 4xx problem that names what is wrong, never a 500.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private SchoolApp _s = null!;

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        await _s.As(HostApp.Coordinator);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static void AssertNames(JsonObject problem, string field) =>
        Assert.True(problem["errors"]?[field] is not null, $"errors do not name '{field}': {problem.ToJsonString()}");

    [Theory]
    [InlineData("", "body")]
    [InlineData("""{"email":""", "body")]
    [InlineData("""{"email":5,"password":"x"}""", "email")]
    [InlineData("""[1,2]""", "body")]
    public async Task A_malformed_login_is_a_400_naming_what_is_wrong(string body, string field)
    {
        using var client = _s.App.CreateClient();
        using var response = await client.PostAsync("/api/auth/login", HttpJson.Text(body));
        AssertNames(await ProblemAsync(response, HttpStatusCode.BadRequest, "login"), field);
    }

    [Theory]
    [InlineData("/elsa/api/workflow-instances", """{"page":""", "body")]
    [InlineData("/elsa/api/workflow-instances", """{"page":"first"}""", "page")]
    [InlineData("/elsa/api/events/Ping/trigger", """{"correlationId":""", "body")]
    [InlineData("/elsa/api/events/Ping/trigger", """{"correlationId":5}""", "correlationId")]
    public async Task A_malformed_body_on_the_elsa_api_is_a_400_naming_the_field(string url, string body, string field)
    {
        using var response = await (await _s.As(HostApp.Coordinator)).PostAsync(url, HttpJson.Text(body));
        AssertNames(await ProblemAsync(response, HttpStatusCode.BadRequest, url), field);
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_a_400_in_Dutch_naming_it()
    {
        using var response = await (await _s.As(HostApp.Coordinator)).GetAsync("/api/tasks?overdue=maybe");
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "overdue=maybe");
        AssertNames(problem, "overdue");
        Assert.Contains("Ongeldige", (string?)problem["title"] + (string?)problem["detail"]);
    }

    [Fact]
    public async Task Text_fields_and_the_number_of_pupils_are_capped()
    {
        var pupils = (await _s.PupilsAsync(HostApp.Teacher1)).Select(p => (string)p["id"]!).ToList();
        var client = await _s.As(HostApp.Teacher1);

        var longLocation = SchoolApp.Signal((pupils[0], "Bullied"));
        longLocation["location"] = new string('x', 201);
        AssertNames(await ProblemAsync(await client.PostAsync("/api/cases", HttpJson.Content(longLocation)), HttpStatusCode.BadRequest, "location"), "location");

        var manyPupils = SchoolApp.Signal(pupils.Take(31).Select(p => (p, "Unknown")).ToArray());
        AssertNames(await ProblemAsync(await client.PostAsync("/api/cases", HttpJson.Content(manyPupils)), HttpStatusCode.BadRequest, "31 pupils"), "pupils");

        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((pupils[0], "Bullied"))))["id"]!;
        var task = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator");
        using var tooLong = await _s.CompleteRawAsync(HostApp.Coordinator, (string)task["id"]!, new JsonObject { ["notes"] = new string('x', 4001) });
        AssertNames(await ProblemAsync(tooLong, HttpStatusCode.BadRequest, "notes"), "notes");

        using var anonymous = _s.App.CreateClient();
        using var longEmail = await anonymous.PostAsync("/api/auth/login", HttpJson.Content(new JsonObject { ["email"] = new string('a', 300) + "@x.test", ["password"] = "x" }));
        AssertNames(await ProblemAsync(longEmail, HttpStatusCode.BadRequest, "long email"), "email");

        Assert.Single((await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases")).AsArray());
    }

    [Fact]
    public async Task The_staff_api_answers_in_Dutch_and_the_elsa_api_in_English()
    {
        using var anonymous = _s.App.CreateClient();
        Assert.Equal("Niet ingelogd", (string?)(await ProblemAsync(await anonymous.GetAsync("/api/cases"), HttpStatusCode.Unauthorized, "anonymous"))["title"]);
        var teacher = await _s.As(HostApp.Teacher1);
        Assert.Equal("Forbidden", (string?)(await ProblemAsync(await teacher.GetAsync("/elsa/api/workflow-definitions"), HttpStatusCode.Forbidden, "teacher"))["title"]);
        Assert.Equal("Niet gevonden", (string?)(await ProblemAsync(await teacher.GetAsync("/api/bestaat-niet"), HttpStatusCode.NotFound, "unknown"))["title"]);
        var coordinator = await _s.As(HostApp.Coordinator);
        var elsa = await ProblemAsync(await coordinator.PostAsync("/elsa/api/workflow-instances", HttpJson.Text("{")), HttpStatusCode.BadRequest, "elsa");
        Assert.Equal("The request is not valid.", (string?)elsa["title"]);
    }

    [Fact]
    public async Task Script_in_a_text_field_is_kept_as_text_and_answered_JSON_escaped()
    {
        var pupil = (string)(await _s.PupilsAsync(HostApp.Teacher1))[0]["id"]!;
        var signal = SchoolApp.Signal((pupil, "Bullied"));
        signal["description"] = "<script>alert('x')</script>";
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, signal))["id"]!;

        using var response = await (await _s.As(HostApp.Coordinator)).GetAsync($"/api/cases/{caseId}");
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<script>", raw);
        Assert.Equal("<script>alert('x')</script>", (string?)JsonNode.Parse(raw)!["description"]);
    }

    [Theory]
    [InlineData("/api/auth/login", 64 * 1024)]
    [InlineData("/api/cases", 1024 * 1024)]
    [InlineData("/elsa/api/workflow-definitions", 8 * 1024 * 1024)]
    public async Task A_body_larger_than_its_endpoint_allows_is_a_413(string url, int size)
    {
        var body = "{\"description\":\"" + new string('x', size) + "\"}";
        using var response = await (await _s.As(HostApp.Coordinator)).PostAsync(url, HttpJson.Text(body));
        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, url);
    }

    [Fact]
    public async Task A_body_without_a_length_is_capped_too()
    {
        var client = await _s.As(HostApp.Coordinator);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"email\":\"" + new string('x', 200_000) + "\"}")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);
        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "chunked login");
    }
}
