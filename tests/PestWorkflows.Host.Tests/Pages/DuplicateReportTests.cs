using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>
/// A report sent again (the same report form, or the same <c>Idempotency-Key</c> on the API) is the
/// same signal: one case, also after the host restarted and when the sends race.
/// </summary>
public sealed class DuplicateReportTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static KeyValuePair<string, string>[] ReportForm(string token) =>
    [
        new("FormToken", token), new("Pupils[0].PupilId", "rb-033"), new("Pupils[0].Role", "Bullied"),
        new("Description", "Wordt uitgescholden."), new("ObservedAt", "2026-11-24T09:30"), new("Location", "Gang"), new("BoundaryCrossed", "ja"),
    ];

    private static async Task<string?> SendReportFormAsync(HostApp app, string formToken)
    {
        using var teacher = await PageSession.SignInAsync(app, HostApp.Teacher1);
        using var sent = await teacher.PostFormAsync("/melden", "/melden?handler=Report", ReportForm(formToken));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        return sent.Headers.Location?.OriginalString;
    }

    private static async Task<List<string>> CaseIdsAsync(HostApp app)
    {
        using var coordinator = await app.LoginAsync(HostApp.Coordinator);
        return (await coordinator.GetJsonAsync("/api/cases")).AsArray().Select(c => (string)c!["id"]!).ToList();
    }

    [Fact]
    public async Task The_same_report_form_sent_again_after_a_restart_shows_the_first_case_and_starts_no_second()
    {
        var formToken = Guid.NewGuid().ToString("N");
        string? first;
        await using (var app = new HostApp(_database))
            first = await SendReportFormAsync(app, formToken);
        Assert.StartsWith("/melden/gemeld/", first);

        // A restart (a deploy, a crash) between the two sends: the browser resends the same form.
        await using (var app = new HostApp(_database))
        {
            var again = await SendReportFormAsync(app, formToken);
            Assert.Equal(first, again);
            Assert.Equal([first!["/melden/gemeld/".Length..]], await CaseIdsAsync(app));

            // A new form is a new signal.
            Assert.NotEqual(first, await SendReportFormAsync(app, Guid.NewGuid().ToString("N")));
        }
    }

    [Fact]
    public async Task The_same_report_form_sent_at_once_through_two_hosts_on_one_database_starts_one_case()
    {
        // Two hosts share the database (as behind a load balancer): only the database can tell they are the same report.
        await using var one = new HostApp(_database);
        using var onOne = await PageSession.SignInAsync(one, HostApp.Teacher1);
        await using var two = new HostApp(_database);
        using var onTwo = await PageSession.SignInAsync(two, HostApp.Teacher1);
        var formToken = Guid.NewGuid().ToString("N");
        var antiforgeryOne = PageSession.Token((await onOne.GetAsync("/melden")).Html);
        var antiforgeryTwo = PageSession.Token((await onTwo.GetAsync("/melden")).Html);

        var sent = await Task.WhenAll(
            onOne.PostFormWithTokenAsync("/melden?handler=Report", antiforgeryOne, ReportForm(formToken)),
            onTwo.PostFormWithTokenAsync("/melden?handler=Report", antiforgeryTwo, ReportForm(formToken)),
            onOne.PostFormWithTokenAsync("/melden?handler=Report", antiforgeryOne, ReportForm(formToken)),
            onTwo.PostFormWithTokenAsync("/melden?handler=Report", antiforgeryTwo, ReportForm(formToken)));
        Assert.All(sent, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        var locations = sent.Select(r => r.Headers.Location?.OriginalString).Distinct().ToList();
        Assert.Single(locations);
        Assert.Single(await CaseIdsAsync(one));
        foreach (var response in sent) response.Dispose();
    }

    [Fact]
    public async Task The_api_answers_the_same_idempotency_key_with_the_first_case_at_once_and_after_a_restart()
    {
        var key = Guid.NewGuid().ToString("N");
        var signal = SchoolApp.Signal(("rb-033", "Bullied"));
        async Task<(HttpStatusCode Status, string? Id)> SendAsync(HttpClient client, string? idempotencyKey)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases") { Content = HttpJson.Content(signal) };
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, response.IsSuccessStatusCode ? (string?)JsonNode.Parse(text)!["id"] : text);
        }

        string firstId;
        await using (var app = new HostApp(_database))
        {
            using var teacher = await app.LoginAsync(HostApp.Teacher1);
            var raced = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendAsync(teacher, key)));
            Assert.All(raced, r => Assert.Equal(HttpStatusCode.Created, r.Status));
            Assert.Single(raced.Select(r => r.Id).Distinct());
            firstId = raced[0].Id!;

            var tooLong = await SendAsync(teacher, new string('k', 65));
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
            Assert.Contains("Idempotency-Key", tooLong.Id);
        }
        await using (var app = new HostApp(_database))
        {
            using var teacher = await app.LoginAsync(HostApp.Teacher1);
            Assert.Equal((HttpStatusCode.Created, firstId), await SendAsync(teacher, key));
            // The key is the sender's own: a colleague's report with the same key is another signal.
            using var colleague = await app.LoginAsync(HostApp.Teacher2);
            var colleagues = await SendAsync(colleague, key);
            Assert.Equal(HttpStatusCode.Created, colleagues.Status);
            Assert.NotEqual(firstId, colleagues.Id);
            // Without a key every send is a new signal, as before.
            var unkeyed = await SendAsync(teacher, null);
            Assert.NotEqual(firstId, unkeyed.Id);
            Assert.Equal(3, (await CaseIdsAsync(app)).Count);
        }
    }
}
