using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Security;

/// <summary>Security headers on every response; HTTPS and HSTS outside Development only.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private HostApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new HostApp(_database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    [Theory]
    [InlineData("/inloggen")]            // a page
    [InlineData("/api/cases")]           // the API without signing in: 401
    [InlineData("/css/site.css")]        // a static file
    [InlineData("/bestaat-niet")]        // an unknown route: 404
    [InlineData("/health")]
    public async Task Every_response_forbids_framing_and_sniffing_and_sends_no_referrer(string path)
    {
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        using var response = await client.GetAsync(path);

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp); // staff pages run only the host's own scripts
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    [Fact]
    public async Task The_designer_may_run_webassembly_and_inline_styles_and_nothing_from_elsewhere()
    {
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        using var response = await client.GetAsync("/designer/");

        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-", csp);
        Assert.Contains("style-src 'self' 'unsafe-inline';", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("'unsafe-eval'", csp);
        Assert.DoesNotContain("script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'", csp);
        Assert.DoesNotContain("http", csp);
    }

    [Fact]
    public async Task In_development_plain_http_is_answered_without_redirect_or_hsts()
    {
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://127.0.0.1") });
        using var page = await client.GetAsync("/inloggen");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var secure = await _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://school.example.test") }).GetAsync("/inloggen");
        Assert.False(secure.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Outside_development_plain_http_is_sent_to_https_and_https_answers_with_hsts()
    {
        await using var production = _app.WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Demo:Enabled", "false");
            b.UseSetting("https_port", "443");
        });
        using var http = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://school.example.test") });
        using var redirected = await http.GetAsync("/inloggen?ReturnUrl=%2Fzaken");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal("https://school.example.test/inloggen?ReturnUrl=%2Fzaken", redirected.Headers.Location!.OriginalString);
        using var probe = await http.GetAsync("/health"); // a load balancer's probe inside the network
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);

        using var https = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://school.example.test") });
        using var page = await https.GetAsync("/inloggen");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("max-age=31536000", Header(page, "Strict-Transport-Security"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : throw new Xunit.Sdk.XunitException($"no {name} header on {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
}
