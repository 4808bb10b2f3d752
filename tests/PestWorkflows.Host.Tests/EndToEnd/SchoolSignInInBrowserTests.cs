using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using PestWorkflows.Host.Tests.Identity;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>
/// Signing in through the school's identity provider in headless Chromium: the host as a process at
/// 127.0.0.1 and the provider at "localhost", another site to the browser, as Entra ID or Google is. What
/// only a browser checks happens here: the page's Content-Security-Policy and SameSite cookies along the
/// redirects from the provider back to the host.
/// </summary>
public sealed class SchoolSignInInBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "E2e-wachtwoord-1!";
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "pestworkflows-e2e", Guid.NewGuid().ToString("N"));
    private TestIdentityProvider _provider = null!;
    private HostProcess _host = null!;
    private Browser _browser = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workDir);
        _provider = await TestIdentityProvider.StartAsync(hostName: "localhost");
        _host = await HostProcess.StartAsync(_workDir, new Dictionary<string, string>
        {
            ["Demo__Password"] = Password,
            ["Authentication__Oidc__Authority"] = _provider.Authority,
            ["Authentication__Oidc__ClientId"] = TestIdentityProvider.ClientId,
            ["Authentication__Oidc__ClientSecret"] = TestIdentityProvider.ClientSecret,
            ["Authentication__Oidc__DisplayName"] = "Inloggen met Microsoft",
        });
        _browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _host.DisposeAsync();
        await _provider.DisposeAsync();
        output.WriteLine(_host.Stdout);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_workDir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_teacher_clicks_the_school_button_and_is_signed_in_on_the_page_she_wanted()
    {
        _provider.NextUser = new ProviderUser("entra-object-id-karin", "leerkracht1@regenboog.test");
        _provider.ShowsSignInPage = true;
        await using var recorded = await _browser.NewPageAsync();
        var page = recorded.Page;

        await page.GotoAsync($"{_host.Url}/zaken");
        await page.GetByRole(AriaRole.Link, new() { Name = "Inloggen met Microsoft" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden bij de school" }).ClickAsync(); // at the provider
        await page.WaitForURLAsync($"{_host.Url}/zaken", new() { Timeout = 30_000 });

        Assert.Equal(1, _provider.TokensIssued);
        await page.GetByRole(AriaRole.Button, new() { Name = "Afmelden" }).WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains("Zaken", await page.InnerTextAsync("h1"));
        Assert.True(recorded.ConsoleErrors.Count == 0, string.Join("\n", recorded.ConsoleErrors)); // a CSP violation would be one
        Assert.Empty(recorded.ErrorResponses);
    }
}
