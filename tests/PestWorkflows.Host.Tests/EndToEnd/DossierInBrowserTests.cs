using Microsoft.Playwright;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>The coordinator finds a case through "Zaken" and reads its dossier, on a laptop, a tablet and a phone.</summary>
public sealed class DossierInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    [Fact]
    public async Task The_coordinator_opens_a_case_from_the_case_list_and_reads_its_dossier()
    {
        var teacher = await ApiAsync("leerkracht1@regenboog.test");
        var pupil = (await teacher.GetJsonAsync("/api/pupils")).AsArray()[0]!;
        var created = await teacher.PostJsonAsync("/api/cases", SchoolApp.Signal(((string)pupil["id"]!, "Bullied")));
        var caseId = (string)created["id"]!;

        await using var coordinator = await Browser.NewPageAsync();
        var page = coordinator.Page;
        await page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(page, "apc@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}/");

        await page.ClickAsync("#nav-zaken");
        await page.WaitForURLAsync($"{Host.Url}/zaken");
        await coordinator.ScreenshotAsync("staff-case-list");
        await page.ClickAsync($"li[data-case='{caseId}'] a");
        await page.WaitForURLAsync($"{Host.Url}/zaken/{caseId}");
        await WaitAsync(coordinator, page.Locator("#tijdlijn"), "staff-dossier-timeout");
        Assert.Contains("Signaal gemeld door", await page.InnerTextAsync("#tijdlijn"));
        Assert.Contains((string)pupil["name"]!, await page.InnerTextAsync("#zaak-leerlingen"));
        Assert.Equal(1, await page.Locator("#stroom").CountAsync());
        await coordinator.ScreenshotAsync("staff-dossier");

        foreach (var width in new[] { 390, 768 })
        {
            await page.SetViewportSizeAsync(width, 800);
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the dossier scrolls sideways at {width} px");
            await page.GotoAsync($"{Host.Url}/zaken");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the case list scrolls sideways at {width} px");
            await page.GotoAsync($"{Host.Url}/zaken/{caseId}");
        }
        await coordinator.ScreenshotAsync("staff-dossier-phone");
        Assert.Empty(coordinator.ErrorResponses);
        Assert.Empty(coordinator.ConsoleErrors);
    }
}
