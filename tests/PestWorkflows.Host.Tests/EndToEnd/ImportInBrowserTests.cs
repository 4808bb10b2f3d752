using Microsoft.Playwright;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>The pupil import page in headless Chromium: from the pupil list to a preview and the import, by keyboard, on a phone too.</summary>
public sealed class ImportInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    [Fact]
    public async Task The_coordinator_previews_and_imports_an_export_by_keyboard()
    {
        await using var coordinator = await Browser.NewPageAsync();
        var page = coordinator.Page;
        await page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(page, "apc@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}/");

        await page.GotoAsync($"{Host.Url}/leerlingen");
        await page.Locator("#leerlingen-importeren").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"{Host.Url}/leerlingen/importeren");

        await page.Locator("#bestand").SetInputFilesAsync(new FilePayload
        {
            Name = "export.csv", MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("leerlingnummer;voornaam;tussenvoegsel;achternaam;groep;e-mail ouder 1;naam ouder 1\r\n" +
                "9001;Fenna;de;Groot;Groep 5;j.degroot@example.nl;Jeroen de Groot\r\n"),
        });
        await page.Locator("#import-voorbeeld-knop").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#import-voorbeeld").WaitForAsync(new() { Timeout = Patience });
        Assert.Contains("Fenna de Groot", await page.InnerTextAsync(".import-changes"));
        await AssertLabelledAndFitsAsync(coordinator, "pupil-import-preview");

        await page.Locator("#import-bevestigen").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#import-klaar").WaitForAsync(new() { Timeout = Patience });
        Assert.Equal("Ingelezen: 1 nieuw, 0 gewijzigd, 0 ongewijzigd.", (await page.InnerTextAsync("#import-klaar")).Trim());
        Assert.Empty(coordinator.ConsoleErrors);
    }

    private static async Task AssertLabelledAndFitsAsync(RecordedPage recorded, string name)
    {
        var page = recorded.Page;
        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
                .map(e => e.id || e.name)
            """);
        Assert.True(unlabelled.Length == 0, $"{name}: fields without a label: {string.Join(", ", unlabelled)}");
        foreach (var width in new[] { 390, 768 })
        {
            await page.SetViewportSizeAsync(width, 800);
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"{name} scrolls sideways at {width} px");
        }
        await recorded.ScreenshotAsync(name + "-tablet");
        await page.SetViewportSizeAsync(1280, 800);
    }
}
