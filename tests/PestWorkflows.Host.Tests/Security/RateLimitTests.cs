using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Security;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Security;

/// <summary>Rate limits on sign-in, password reset and reporting: a 429 in Dutch with Retry-After beyond the limit.</summary>
public sealed class RateLimitTests
{
    private static Action<IServiceCollection> Limits(Action<RateLimitOptions> change, string? clientAddress = null) => services =>
    {
        services.Configure(change);
        if (clientAddress is not null) services.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse(clientAddress)));
    };

    [Fact]
    public async Task The_api_login_answers_429_in_dutch_with_retry_after_beyond_the_limit()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database, configureServices: Limits(o => o.SignIn = new() { PermitLimit = 3, Window = TimeSpan.FromHours(1) }));
        using var api = app.CreateClient();

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(api, HostApp.Teacher1, "fout")).Status);
        var refused = await LoginAsync(api, HostApp.Teacher1, HostApp.Password);

        ApiAnswer.AssertProblem(refused, HttpStatusCode.TooManyRequests, "fourth sign-in");
        Assert.Equal("Te veel verzoeken", (string)refused.Json["title"]!);
        Assert.Contains("Probeer het over", (string)refused.Json["detail"]!);
        var retryAfter = int.Parse(refused.Response.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 3600);
        Assert.Null(refused.Json["accessToken"]);
    }

    [Fact]
    public async Task The_sign_in_page_counts_posts_not_visits()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database, configureServices: Limits(o => o.SignIn = new() { PermitLimit = 2, Window = TimeSpan.FromHours(1) }));
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        var token = PageSession.Token(await browser.GetStringAsync("/inloggen"));
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/inloggen")).StatusCode);
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await PostSignInAsync(browser, token)).Status); // wrong password: the page again
        var refused = await PostSignInAsync(browser, token);

        ApiAnswer.AssertProblem(refused, HttpStatusCode.TooManyRequests, "third sign-in on the page");
        Assert.Contains("te vaak", refused.Text);
        Assert.True(refused.Response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Forgot_password_is_limited_per_address()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database, configureServices: Limits(o => o.PasswordReset = new() { PermitLimit = 2, Window = TimeSpan.FromHours(1) }));
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var token = PageSession.Token(await browser.GetStringAsync("/wachtwoord-vergeten"));

        HttpResponseMessage Post() => browser.PostAsync("/wachtwoord-vergeten", new FormUrlEncodedContent(
            [new("Email", "iemand@example.test"), new("__RequestVerificationToken", token)])).GetAwaiter().GetResult();
        Assert.Equal(HttpStatusCode.OK, Post().StatusCode);
        Assert.Equal(HttpStatusCode.OK, Post().StatusCode);
        var refused = await ApiAnswer.ReadAsync(Post());

        ApiAnswer.AssertProblem(refused, HttpStatusCode.TooManyRequests, "third request for a link");
    }

    [Fact]
    public async Task Reports_are_limited_per_person_on_the_api_and_the_page_together()
    {
        await using var school = new SchoolApp(configureServices: Limits(o => o.Reports = new() { PermitLimit = 2, Window = TimeSpan.FromHours(1) }));
        var pupils = await school.PupilsAsync(HostApp.Teacher1);
        var signal = SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied"));
        await school.ReportAsync(HostApp.Teacher1, signal);
        await school.ReportAsync(HostApp.Teacher1, signal);

        var refused = await school.SendAsync(HostApp.Teacher1, HttpMethod.Post, "/api/cases", signal);
        ApiAnswer.AssertProblem(refused, HttpStatusCode.TooManyRequests, "third report");
        using var page = await PageSession.SignInAsync(school.App, HostApp.Teacher1);
        var (_, form) = await page.GetAsync("/melden");
        using var onPage = await page.PostFormWithTokenAsync("/melden", PageSession.Token(form), [new("Description", "nog een")]);
        Assert.Equal(HttpStatusCode.TooManyRequests, onPage.StatusCode);

        await school.ReportAsync(HostApp.Teacher2, signal); // a colleague is not held up
    }

    [Fact]
    public async Task Forwarded_addresses_count_only_from_the_configured_proxy()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database, configureServices: Limits(o => o.SignIn = new() { PermitLimit = 1, Window = TimeSpan.FromHours(1) }, "10.0.0.5"));
        await using var behindProxy = app.WithWebHostBuilder(b => b.UseSetting("ForwardedHeaders:KnownProxies", "10.0.0.5"));
        using (var api = behindProxy.CreateClient())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(api, HostApp.Teacher1, "fout", forwardedFor: "192.0.2.1")).Status);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(api, HostApp.Teacher1, "fout", forwardedFor: "192.0.2.1")).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(api, HostApp.Teacher1, "fout", forwardedFor: "192.0.2.2")).Status); // another client behind the proxy
        }

        using var otherDatabase = new TempDatabase();
        await using var otherApp = new HostApp(otherDatabase, configureServices: Limits(o => o.SignIn = new() { PermitLimit = 1, Window = TimeSpan.FromHours(1) }, "10.0.0.9"));
        await using var notTheProxy = otherApp.WithWebHostBuilder(b => b.UseSetting("ForwardedHeaders:KnownProxies", "10.0.0.5"));
        using var direct = notTheProxy.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(direct, HostApp.Teacher1, "fout", forwardedFor: "192.0.2.1")).Status);
        // A client that claims another address itself is still the one address it came from.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(direct, HostApp.Teacher1, "fout", forwardedFor: "192.0.2.2")).Status);
    }

    private static async Task<ApiAnswer> LoginAsync(HttpClient api, string email, string password, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = HttpJson.Content(new JsonObject { ["email"] = email, ["password"] = password }) };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await ApiAnswer.ReadAsync(await api.SendAsync(request));
    }

    private static async Task<ApiAnswer> PostSignInAsync(HttpClient browser, string token) =>
        await ApiAnswer.ReadAsync(await browser.PostAsync("/inloggen", new FormUrlEncodedContent(
            [new("Email", HostApp.Teacher1), new("Password", "fout"), new("__RequestVerificationToken", token)])));
}
