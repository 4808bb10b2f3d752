using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>
/// The staff pages in headless Chromium against the built host on a real SQLite file: a teacher
/// reports a signal, the coordinator finds it in her inbox and completes step 1 through its form.
/// </summary>
public sealed class StaffPagesInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    private async Task<RecordedPage> SignedInPageAsync(string email)
    {
        var recorded = await Browser.NewPageAsync();
        await recorded.Page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(recorded.Page, email);
        await recorded.Page.WaitForURLAsync($"{Host.Url}/");
        return recorded;
    }

    private void AssertClean(RecordedPage recorded)
    {
        foreach (var line in recorded.ConsoleErrors) Output.WriteLine("console: " + line);
        Assert.Empty(recorded.ErrorResponses);
        Assert.Empty(recorded.ConsoleErrors);
        Assert.Empty(recorded.ForeignRequests(Host.Url));
    }

    [Fact]
    public async Task A_teacher_reports_a_signal_and_the_coordinator_completes_step_1_from_her_inbox()
    {
        // The teacher: /melden asks her to sign in first, then shows the form.
        await using var teacher = await Browser.NewPageAsync();
        var page = teacher.Page;
        await page.GotoAsync($"{Host.Url}/melden");
        Assert.EndsWith("/inloggen?ReturnUrl=%2Fmelden", page.Url);
        await SignInAsync(page, "leerkracht1@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}/melden");

        // She types part of a group's name: the list narrows as she types (no button pressed).
        await page.Locator("#Search").PressSequentiallyAsync("Groep 5", new() { Delay = 30 });
        await page.WaitForFunctionAsync("() => { const items = [...document.querySelectorAll('#gevonden li')]; return items.length > 0 && items.every(li => li.textContent.includes('Groep 5')); }");
        var found = page.Locator("#gevonden li");
        var bullied = (await found.Nth(0).Locator(".pupil").InnerTextAsync()).Replace("Groep 5", "").Trim();
        await found.Nth(0).Locator("button").ClickAsync();
        await page.SelectOptionAsync("#rol-0", "Bullied");

        // Without a description the form comes back in Dutch, with what she typed.
        await page.FillAsync("#Location", "Schoolplein");
        await page.CheckAsync("input[name=BoundaryCrossed][value=ja]");
        await page.ClickAsync("#versturen");
        Assert.Equal("Beschrijf wat er is gezien.", await page.InnerTextAsync("#description-error"));
        Assert.Equal("Schoolplein", await page.InputValueAsync("#Location"));
        Assert.Equal("Bullied", await page.InputValueAsync("#rol-0"));
        Assert.True(await page.IsCheckedAsync("input[name=BoundaryCrossed][value=ja]"));
        await teacher.ScreenshotAsync("staff-report-errors");

        // She adds a second pupil with the button (as without script): that searches, it does not report.
        await page.FillAsync("#Search", "Groep 5");
        await page.ClickAsync("#zoek");
        Assert.Equal(0, await page.Locator("#meldfout").CountAsync());
        Assert.All(await page.Locator("#gevonden li").AllInnerTextsAsync(), text => Assert.Contains("Groep 5", text));
        var bully = (await page.Locator("#gevonden li").Nth(0).Locator(".pupil").InnerTextAsync()).Replace("Groep 5", "").Trim();
        await page.Locator("#gevonden li").Nth(0).Locator("button").ClickAsync();
        Assert.Equal("Bullied", await page.InputValueAsync("#rol-0"));
        Assert.Equal("Schoolplein", await page.InputValueAsync("#Location"));

        // Sent without a role for the second pupil: the message is next to that pupil.
        await page.FillAsync("#Description", "Wordt in de pauze steeds uitgescholden en buitengesloten.");
        await page.ClickAsync("#versturen");
        Assert.Contains("Kies de rol van deze leerling.", await page.InnerTextAsync("#leerlingen li:nth-child(2)"));
        Assert.Equal("Wordt in de pauze steeds uitgescholden en buitengesloten.", await page.InputValueAsync("#Description"));

        await page.SelectOptionAsync("#rol-1", "Bully");
        await page.ClickAsync("#versturen");
        await page.WaitForURLAsync(url => url.Contains("/melden/gemeld/"));
        var caseId = page.Url.Split('/').Last();
        await teacher.ScreenshotAsync("staff-report-confirmation");

        // The confirmation names the real deadline of step 1.
        using var api = await ApiAsync("apc@regenboog.test");
        var step1 = (await api.GetJsonAsync($"/api/tasks?caseId={caseId}")).AsArray().Single()!;
        var taskId = (string)step1["id"]!;
        var due = TimeZoneInfo.ConvertTime(DateTimeOffset.Parse((string)step1["dueAt"]!), Amsterdam);
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Amsterdam).Date;
        var day = due.Date == today ? "vandaag" : due.Date == today.AddDays(1) ? "morgen" : "op ";
        var confirmation = await page.InnerTextAsync("#volgende-stap");
        Assert.StartsWith("De anti-pestcoördinator is op de hoogte; stap 1 moet " + day, confirmation);
        Assert.EndsWith($"vóór {due:HH:mm} gebeuren.", confirmation);
        AssertClean(teacher);

        // The coordinator: "/" is her inbox; the new task is in it, and counted in the navigation.
        await using var coordinator = await SignedInPageAsync("apc@regenboog.test");
        page = coordinator.Page;
        var row = page.Locator($"li.task[data-task='{taskId}']");
        Assert.Contains("Stap 1", await row.InnerTextAsync());
        Assert.Contains(bullied + " (gepeste)", await row.InnerTextAsync());
        Assert.Contains(bully + " (pester)", await row.InnerTextAsync());
        Assert.Contains($"{due:HH:mm}", await row.InnerTextAsync());
        Assert.True(int.Parse(await page.InnerTextAsync("#nav-taken .count")) >= 1);
        await coordinator.ScreenshotAsync("staff-inbox");

        // Step 1's form: an empty report is refused in Dutch next to the field.
        await row.Locator("a.task-title").ClickAsync();
        await page.WaitForURLAsync($"{Host.Url}/taken/{taskId}");
        Assert.Contains(bullied, await page.InnerTextAsync("#zaak-leerlingen"));
        Assert.Contains("uitgescholden", await page.InnerTextAsync("#zaak-signaal"));
        await page.ClickAsync("button[name=outcome]");
        Assert.Equal("'Verslag van het gesprek' is verplicht.", await page.InnerTextAsync("#veld-notes-fout"));
        await coordinator.ScreenshotAsync("staff-task-form-error");

        await page.FillAsync("#veld-notes", "Signalen besproken met de melder.");
        await page.ClickAsync("button[name=outcome]");
        await page.WaitForURLAsync($"{Host.Url}/taken/{taskId}");
        Assert.Contains("Deze taak is afgerond door Diana de Wit", await page.InnerTextAsync("#afgerond"));
        var next = page.Locator("#afgerond a").First;
        Assert.Contains("Stap 2", await next.InnerTextAsync());
        Assert.Contains("Stap 1", await page.InnerTextAsync("#eerdere-stappen"));
        Assert.Contains("Signalen besproken met de melder.", await page.InnerTextAsync("#eerdere-stappen"));
        await coordinator.ScreenshotAsync("staff-task-completed");

        // Step 2: what she typed stays when a required field is missing.
        await next.ClickAsync();
        await page.FillAsync("#veld-agreedFollowUp", "Dagelijks even navragen bij de mentor.");
        await page.ClickAsync("button[name=outcome][value=Bullying]");
        Assert.Equal("'Toelichting' is verplicht.", await page.InnerTextAsync("#veld-reasoning-fout"));
        Assert.Equal("Dagelijks even navragen bij de mentor.", await page.InputValueAsync("#veld-agreedFollowUp"));

        // On a phone and a tablet the task page does not scroll sideways.
        foreach (var width in new[] { 390, 768 })
        {
            await page.SetViewportSizeAsync(width, 800);
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the task page scrolls sideways at {width} px");
        }
        await coordinator.ScreenshotAsync("staff-task-phone");
        AssertClean(coordinator);

        // A teacher of the other school, and one without part in the case: the task does not exist.
        foreach (var stranger in new[] { "leerkracht1@vlinder.test", "leerkracht2@regenboog.test" })
        {
            await using var other = await SignedInPageAsync(stranger);
            var response = await other.Page.GotoAsync($"{Host.Url}/taken/{taskId}");
            Assert.Equal(404, response!.Status);
            var text = await other.Page.InnerTextAsync("main");
            Assert.Contains("Niet gevonden", text);
            Assert.DoesNotContain(bullied, text);
            Assert.DoesNotContain("uitgescholden", text);
            await other.ScreenshotAsync("staff-task-not-found-" + stranger.Split('@')[0] + "-" + stranger.Split('@')[1].Split('.')[0]);
        }
    }
}
