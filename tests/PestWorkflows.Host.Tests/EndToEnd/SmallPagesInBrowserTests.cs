using Microsoft.Playwright;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>
/// The smaller pages in headless Chromium: forgot password and the parents' letter (open to anyone),
/// the pupil search (staff) and the local mailbox (admin, Development). Each works by keyboard,
/// has a label for every field and does not scroll sideways on a phone or a tablet.
/// </summary>
public sealed class SmallPagesInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
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

    [Fact]
    public async Task Forgot_password_works_by_keyboard_and_the_parents_letter_reads_on_a_phone()
    {
        await using var anonymous = await Browser.NewPageAsync();
        var page = anonymous.Page;

        // From the sign-in page to "forgot password" and a request, by keyboard alone.
        await page.GotoAsync($"{Host.Url}/inloggen");
        await page.GetByRole(AriaRole.Link, new() { Name = "Wachtwoord vergeten?" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"{Host.Url}/wachtwoord-vergeten");
        await AssertLabelledAndFitsAsync(anonymous, "forgot-password");
        await page.FocusAsync("#Email");
        await page.Keyboard.TypeAsync("leerkracht1@regenboog.test");
        await page.Keyboard.PressAsync("Enter");
        Assert.Contains("Als er een account met dit e-mailadres is", await page.InnerTextAsync("#verstuurd"));
        await AssertLabelledAndFitsAsync(anonymous, "forgot-password-sent");

        var letter = await page.GotoAsync($"{Host.Url}/scholen/regenboog/informatie-ouders");
        Assert.Equal(200, letter!.Status);
        Assert.Contains("De Regenboog", await page.InnerTextAsync("main"));
        await AssertLabelledAndFitsAsync(anonymous, "parents-letter");
        Assert.Empty(anonymous.ErrorResponses);
        Assert.Empty(anonymous.ConsoleErrors);
    }

    [Fact]
    public async Task The_coordinator_finds_a_pupil_by_keyboard_and_the_admin_reads_the_local_mailbox()
    {
        await using var coordinator = await Browser.NewPageAsync();
        var page = coordinator.Page;
        await page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(page, "apc@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}/");

        await page.GotoAsync($"{Host.Url}/leerlingen");
        await page.GetByLabel("Naam of groep").FocusAsync();
        await page.Keyboard.TypeAsync("Groep 6");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("zoek="));
        var first = page.Locator("#leerlingen li a").First;
        var name = await first.InnerTextAsync();
        await AssertLabelledAndFitsAsync(coordinator, "pupil-search");
        await first.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("/leerlingen/"));
        Assert.Equal(name.Trim(), (await page.InnerTextAsync("h1")).Trim());
        Assert.Empty(coordinator.ErrorResponses);

        await using var admin = await Browser.NewPageAsync();
        await admin.Page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(admin.Page, "admin@regenboog.test");
        await admin.Page.WaitForURLAsync($"{Host.Url}/");
        var mailbox = await admin.Page.GotoAsync($"{Host.Url}/dev/mailbox");
        Assert.Equal(200, mailbox!.Status);
        await AssertLabelledAndFitsAsync(admin, "local-mailbox");
        Assert.Empty(admin.ErrorResponses);
    }
}
