using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>Sessions: safe cookies, a logout that ends them, keys that survive a restart, roles that count at once.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    // The browser side (HttpClient's cookie container) drops a cookie that expired by the machine's clock.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HostApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new HostApp(_database, clock: _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private static JsonObject Credentials(string email) => new() { ["email"] = email, ["password"] = HostApp.Password };

    private static async Task<JsonNode> LoginForTokensAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsync("/api/auth/login", HttpJson.Content(Credentials(email)));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private HttpClient HttpsClient() => _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

    [Fact]
    public async Task The_session_cookie_is_secure_strict_http_only_and_lasts_eight_hours()
    {
        using var client = HttpsClient();
        using var response = await client.PostAsync("/api/auth/login?useCookies=true", HttpJson.Content(Credentials(HostApp.Teacher1)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains($"expires={_clock.GetUtcNow().AddHours(8).UtcDateTime:ddd, dd MMM yyyy HH:mm:ss} gmt".ToLowerInvariant(), attributes);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases")).StatusCode);
    }

    [Fact]
    public async Task A_cookie_session_ends_eight_hours_after_signing_in_however_busy()
    {
        using var client = HttpsClient();
        using (var login = await client.PostAsync("/api/auth/login?useCookies=true", HttpJson.Content(Credentials(HostApp.Teacher1))))
            Assert.True(login.IsSuccessStatusCode);
        for (var hour = 1; hour < 8; hour++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases")).StatusCode);
        }
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases")).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/cases")).StatusCode);
    }

    [Fact]
    public async Task Only_Development_over_plain_http_from_this_machine_gets_a_cookie_without_Secure()
    {
        await using var loopback = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new FromLoopback())));
        using var client = loopback.CreateClient();
        using var response = await client.PostAsync("/api/auth/login?useCookies=true", HttpJson.Content(Credentials(HostApp.Teacher1)));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.DoesNotContain("secure", attributes);
        Assert.Contains("samesite=strict", attributes);
    }

    /// <summary>The test server has no remote address; this one says the caller is on this machine.</summary>
    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task Logging_out_ends_the_cookie_session_and_the_refresh_token()
    {
        using var bearer = _app.CreateClient();
        var tokens = await LoginForTokensAsync(bearer, HostApp.Teacher1);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)tokens["accessToken"]!);
        using var browser = HttpsClient();
        using (var login = await browser.PostAsync("/api/auth/login?useCookies=true", HttpJson.Content(Credentials(HostApp.Teacher1))))
            Assert.True(login.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/cases")).StatusCode);

        using var logout = await browser.PostAsync("/api/auth/logout", null);
        Assert.True(logout.IsSuccessStatusCode, $"logout: {(int)logout.StatusCode}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/cases")).StatusCode);
        using var anonymous = _app.CreateClient();
        using var refresh = await anonymous.PostAsync("/api/auth/refresh", HttpJson.Content(new JsonObject { ["refreshToken"] = tokens["refreshToken"]!.DeepClone() }));
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bearer.GetAsync("/api/cases")).StatusCode); // the access token ended too
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_access_token_while_signed_in()
    {
        using var client = _app.CreateClient();
        var tokens = await LoginForTokensAsync(client, HostApp.Teacher1);
        var refreshed = await client.PostJsonAsync("/api/auth/refresh", new JsonObject { ["refreshToken"] = tokens["refreshToken"]!.DeepClone() });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)refreshed["accessToken"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases")).StatusCode);
    }

    [Fact]
    public async Task A_token_and_a_cookie_from_one_host_are_accepted_by_the_next_host_on_the_same_database()
    {
        string token;
        using (var first = _app.CreateClient())
            token = (string)(await LoginForTokensAsync(first, HostApp.Coordinator))["accessToken"]!;
        var cookies = new CookieContainer();
        using (var browser = HttpsClient())
        using (var login = await browser.PostAsync("/api/auth/login?useCookies=true", HttpJson.Content(Credentials(HostApp.Coordinator))))
            cookies.SetCookies(new Uri("https://localhost"), string.Join(",", login.Headers.GetValues("Set-Cookie")));
        await _app.DisposeAsync();

        // The keys that protect tokens and cookies are in the database, not in this machine's profile.
        using (var connection = new SqliteConnection(_database.ConnectionString))
        {
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM DataProtectionKeys";
            Assert.True((long)count.ExecuteScalar()! > 0);
        }

        _app = new HostApp(_database, clock: _clock);
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/elsa/api/workflow-definitions")).StatusCode);
        using var cookieClient = HttpsClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases");
        request.Headers.Add("Cookie", cookies.GetCookieHeader(new Uri("https://localhost")));
        Assert.Equal(HttpStatusCode.OK, (await cookieClient.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_role_taken_away_counts_from_the_next_request()
    {
        using var client = await _app.LoginAsync(HostApp.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/elsa/api/workflow-definitions")).StatusCode);

        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var coordinator = (await users.FindByEmailAsync(HostApp.Coordinator))!;
            await users.AddToRoleAsync(coordinator, StaffRoles.Teacher);
            await users.RemoveFromRoleAsync(coordinator, StaffRoles.Coordinator);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/elsa/api/workflow-definitions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases")).StatusCode); // still a teacher
    }
}
