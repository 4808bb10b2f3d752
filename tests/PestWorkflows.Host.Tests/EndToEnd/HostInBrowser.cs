using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>
/// The built host as a process on its own SQLite file (demo schools, one known password) and a
/// headless Chromium, per test class instance; what the browser tests share.
/// </summary>
public abstract class HostInBrowser(ITestOutputHelper output) : IAsyncLifetime
{
    protected const string Password = "E2e-wachtwoord-1!";
    /// <summary>The Studio's WebAssembly start takes 5–15 s on two busy cores.</summary>
    protected const float Patience = 90_000;
    internal const float NavigationPatience = Patience;

    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "pestworkflows-e2e", Guid.NewGuid().ToString("N"));
    protected ITestOutputHelper Output { get; } = output;
    /// <summary>The host's SQLite file (the default data/pestworkflows.db in its working folder).</summary>
    protected string DatabasePath => Path.Combine(_workDir, "data", "pestworkflows.db");
    protected HostProcess Host { get; private set; } = null!;
    protected Browser Browser { get; private set; } = null!;

    /// <summary>Whether the host seeds the demo's closed cases of this and last school year, as <c>dotnet run</c> does.</summary>
    protected virtual bool WithDemoHistory => false;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workDir);
        Host = await HostProcess.StartAsync(_workDir, new Dictionary<string, string>
        {
            ["Demo__Password"] = Password,
            ["Demo__PastCases"] = WithDemoHistory ? "true" : "false",
        });
        Browser = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Host.DisposeAsync();
        Output.WriteLine(Host.Stdout);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_workDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Fills in and submits the sign-in page the browser is on.</summary>
    protected static async Task SignInAsync(IPage page, string email)
    {
        await page.FillAsync("#Email", email);
        await page.FillAsync("#Password", Password);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>An HTTP client of the API, signed in with a bearer token.</summary>
    protected async Task<HttpClient> ApiAsync(string email)
    {
        var api = new HttpClient { BaseAddress = new Uri(Host.Url) };
        var token = (string)(await api.PostJsonAsync("/api/auth/login", new System.Text.Json.Nodes.JsonObject { ["email"] = email, ["password"] = Password }))["accessToken"]!;
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    /// <summary>Waits for something to show; on failure the screenshot, console and request log say why.</summary>
    protected async Task WaitAsync(RecordedPage recorded, ILocator locator, string screenshot)
    {
        try
        {
            await locator.WaitForAsync(new() { Timeout = Patience });
        }
        catch (TimeoutException)
        {
            await recorded.ScreenshotAsync(screenshot);
            Output.WriteLine("console errors:\n" + string.Join("\n", recorded.ConsoleErrors));
            Output.WriteLine("error responses:\n" + string.Join("\n", recorded.ErrorResponses));
            Output.WriteLine("failed requests:\n" + string.Join("\n", recorded.FailedRequests));
            throw;
        }
    }
}
