using Microsoft.Playwright;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>
/// Headless Chromium from the machine's packages (Debian's <c>chromium</c>; override with
/// <c>PESTWORKFLOWS_CHROMIUM</c>), driven by Playwright's bundled driver: no browser is downloaded.
/// Each page records what it requested and what the console said, for the assertions.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static string ExecutablePath => Environment.GetEnvironmentVariable("PESTWORKFLOWS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots go: the test results folder of the test run.</summary>
    public static string ArtefactsFolder
    {
        get
        {
            var folder = Path.Combine(Infrastructure.RepoPaths.Root, ".test-results", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public static async Task<Browser> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"Chromium not found at {ExecutablePath}: install Debian's chromium package (test.sh does) or set PESTWORKFLOWS_CHROMIUM.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>A page in a new context: an empty cache, and only the given cookies.</summary>
    public async Task<RecordedPage> NewPageAsync(int width = 1400, int height = 900, IEnumerable<BrowserContextCookiesResult>? cookies = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, Locale = "nl-NL" });
        if (cookies is not null)
            await context.AddCookiesAsync(cookies.Select(c => new Cookie
            {
                Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Expires = c.Expires,
                HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
            }));
        // A navigation's load event can take well over Playwright's 30 s when the test run shares two cores with
        // builds (seen in CI after a sign-in): waits for a page get as long as the other waits do. A page that
        // never arrives still fails, just later.
        context.SetDefaultNavigationTimeout(HostInBrowser.NavigationPatience);
        return new RecordedPage(context, await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>A page with its request log and console errors.</summary>
public sealed class RecordedPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<IResponse> _responses = [];
    private readonly List<string> _consoleErrors = [];
    private readonly List<string> _failedRequests = [];

    public RecordedPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Response += (_, response) => { lock (_responses) _responses.Add(response); };
        page.Console += (_, message) => { if (message.Type == "error") lock (_consoleErrors) _consoleErrors.Add($"{message.Text} ({message.Location})"); };
        page.PageError += (_, error) => { lock (_consoleErrors) _consoleErrors.Add("page error: " + error); };
        page.RequestFailed += (_, request) => { lock (_failedRequests) _failedRequests.Add($"{request.Method} {request.Url}: {request.Failure}"); };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> ConsoleErrors { get { lock (_consoleErrors) return _consoleErrors.ToList(); } }
    public IReadOnlyList<string> FailedRequests { get { lock (_failedRequests) return _failedRequests.ToList(); } }

    /// <summary>Every response of 400 or more, as "status METHOD url".</summary>
    public IReadOnlyList<string> ErrorResponses
    {
        get { lock (_responses) return _responses.Where(r => r.Status >= 400).Select(r => $"{r.Status} {r.Request.Method} {r.Url}").ToList(); }
    }

    /// <summary>Requests that left the host's origin (there must be none: schools may have no internet).</summary>
    public IReadOnlyList<string> ForeignRequests(string origin)
    {
        lock (_responses) return _responses.Select(r => r.Url).Where(u => !u.StartsWith(origin, StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal) && !u.StartsWith("blob:", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Bytes received (headers and encoded bodies) for everything the page loaded, and the largest responses.</summary>
    public async Task<(long Total, IReadOnlyList<(string Url, long Bytes)> Largest)> BytesReceivedAsync()
    {
        List<IResponse> responses;
        lock (_responses) responses = _responses.ToList();
        var sizes = new List<(string Url, long Bytes)>();
        foreach (var response in responses)
        {
            var measured = await response.Request.SizesAsync();
            sizes.Add((response.Url, Math.Max(0, measured.ResponseBodySize) + Math.Max(0, measured.ResponseHeadersSize)));
        }
        return (sizes.Sum(s => s.Bytes), sizes.OrderByDescending(s => s.Bytes).Take(8).ToList());
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ArtefactsFolder, name + ".png"), FullPage = false });

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
