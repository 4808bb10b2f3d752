using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>Two hosts running side by side on one PostgreSQL database accept each other's sessions.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SessionsOnPostgresTests(PostgresFixture postgres)
{
    private static WebApplicationFactory<Program> OnPostgres(HostApp app, string connectionString, string? installedIn = null) =>
        app.WithWebHostBuilder(b =>
        {
            b.UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString);
            if (installedIn is not null) b.UseContentRoot(installedIn);
        });

    [Fact]
    public async Task A_token_and_a_cookie_from_one_host_are_accepted_by_another_host_on_the_same_database()
    {
        var connectionString = postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync());
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var unusedA = new TempDatabase();
        using var unusedB = new TempDatabase();
        await using var appA = new HostApp(unusedA, clock: clock);
        await using var appB = new HostApp(unusedB, clock: clock);
        await using var hostA = OnPostgres(appA, connectionString);
        // The second host is installed in another folder, as on another machine.
        await using var hostB = OnPostgres(appB, connectionString, installedIn: unusedB.Folder);

        using var a = hostA.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var credentials = new JsonObject { ["email"] = HostApp.Coordinator, ["password"] = HostApp.Password };
        using var tokenResponse = await a.PostAsync("/api/auth/login", HttpJson.Content(credentials));
        Assert.True(tokenResponse.IsSuccessStatusCode, await tokenResponse.Content.ReadAsStringAsync());
        var token = (string)JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!["accessToken"]!;
        using var cookieResponse = await a.PostAsync("/api/auth/login?useCookies=true", HttpJson.Content(credentials));
        var cookie = cookieResponse.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal)).Split(';')[0];

        using var b = hostB.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), HandleCookies = false });
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/elsa/api/workflow-definitions"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await b.SendAsync(request)).StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases"))
        {
            request.Headers.Add("Cookie", cookie);
            Assert.Equal(HttpStatusCode.OK, (await b.SendAsync(request)).StatusCode);
        }
    }
}
