using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PestWorkflows.Engine.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>On PostgreSQL, two hosts on one database: a report sent to both at once with one Idempotency-Key is one case.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DuplicateReportOnPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_same_idempotency_key_sent_to_two_hosts_at_once_starts_one_case()
    {
        var connectionString = postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync());
        using var unusedA = new TempDatabase();
        using var unusedB = new TempDatabase();
        await using var appA = new HostApp(unusedA);
        await using var appB = new HostApp(unusedB, clock: appA.Clock);
        WebApplicationFactory<Program> OnPostgres(HostApp app, TempDatabase folder) => app.WithWebHostBuilder(b => b
            .UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString)
            .UseSetting("Documents:Path", Path.Combine(folder.Folder, "documents")));
        await using var hostA = OnPostgres(appA, unusedA);
        await using var hostB = OnPostgres(appB, unusedB);

        async Task<HttpClient> TeacherAsync(WebApplicationFactory<Program> host)
        {
            var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
            var login = await client.PostJsonAsync("/api/auth/login", new JsonObject { ["email"] = HostApp.Teacher1, ["password"] = HostApp.Password });
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);
            return client;
        }
        using var onA = await TeacherAsync(hostA);
        using var onB = await TeacherAsync(hostB);
        var key = Guid.NewGuid().ToString("N");
        async Task<string> SendAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/cases") { Content = HttpJson.Content(SchoolApp.Signal(("rb-033", "Bullied"))) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {text}\n" + string.Join("\n", appA.Log.Entries.Concat(appB.Log.Entries).Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Message)));
            return (string)JsonNode.Parse(text)!["id"]!;
        }

        var ids = await Task.WhenAll(SendAsync(onA), SendAsync(onB), SendAsync(onA), SendAsync(onB));
        Assert.Single(ids.Distinct());
        Assert.Single((await onB.GetJsonAsync("/api/cases")).AsArray());
    }
}
