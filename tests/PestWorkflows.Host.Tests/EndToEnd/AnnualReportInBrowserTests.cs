using System.Text;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>The jaarevaluatie in headless Chromium, on the host as <c>dotnet run</c> starts it (with the demo's history).</summary>
public sealed class AnnualReportInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    protected override bool WithDemoHistory => true;

    [Fact]
    public async Task The_coordinator_opens_the_jaarevaluatie_sees_the_charts_and_downloads_the_csv()
    {
        await using var coordinator = await Browser.NewPageAsync();
        var page = coordinator.Page;
        await page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(page, "apc@regenboog.test");
        try { await page.WaitForURLAsync($"{Host.Url}/", new() { Timeout = Patience }); }
        catch (TimeoutException)
        {
            await coordinator.ScreenshotAsync("annual-report-sign-in");
            throw new Xunit.Sdk.XunitException($"after sign-in at {page.Url}: {await page.InnerTextAsync("body")}\n{string.Join("\n", coordinator.ErrorResponses)}");
        }
        await page.ClickAsync("#nav-jaarevaluatie");
        await page.WaitForURLAsync(url => url.Contains("/rapportage/jaarevaluatie"));
        Assert.StartsWith("Jaarevaluatie De Regenboog", (await page.InnerTextAsync("h1")).Trim());

        // Both charts are drawn, with a labelled bar per year and a visible number beside it.
        foreach (var chart in new[] { "#grafiek-afloop", "#grafiek-groepen" })
        {
            Assert.True(await page.Locator($"{chart} rect.bar").CountAsync() >= 2, $"{chart} has no bars");
            Assert.False(string.IsNullOrWhiteSpace(await page.Locator($"{chart} title").First.TextContentAsync()), $"{chart} has no title");
            var box = await page.Locator(chart).BoundingBoxAsync();
            Assert.True(box is { Width: > 100, Height: > 50 }, $"{chart} is not shown");
        }
        var bars = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('#grafiek-afloop rect.bar')].map(r => +r.dataset.value)");
        Assert.True(bars.Sum() > 0, "the demo's cases are counted");
        await coordinator.ScreenshotAsync("annual-report");

        // "Afdrukken" is there (its script ran under the page's policy); printed, the navigation and the buttons are left out.
        Assert.True(await page.IsVisibleAsync("button[data-print]"));
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.False(await page.IsVisibleAsync(".site-header"));
        Assert.True(await page.IsVisibleAsync("#grafiek-afloop"));
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Cijfer;", lines[0]);
        var signalsOnPage = await page.Locator("#cijfers tr", new() { HasText = "Signalen" }).First.Locator("td").AllInnerTextsAsync();
        Assert.Equal("Signalen;" + string.Join(';', signalsOnPage), lines[1]);
        Assert.Empty(coordinator.ErrorResponses);
        Assert.Empty(coordinator.ConsoleErrors);
    }
}
