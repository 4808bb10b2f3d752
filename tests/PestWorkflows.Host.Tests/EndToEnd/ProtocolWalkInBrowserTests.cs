using System.Text.Json.Nodes;
using Microsoft.Playwright;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>
/// The whole protocol through the staff pages, in headless Chromium against the built host on a
/// real SQLite file: every step is done by the person it is meant for, from their own inbox.
/// </summary>
public sealed class ProtocolWalkInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    private const string Coordinator = "apc@regenboog.test";
    private const string Reporter = "leerkracht1@regenboog.test";
    private const string BullyTalker = "leerkracht2@regenboog.test";

    private async Task<RecordedPage> SignedInPageAsync(string email)
    {
        var recorded = await Browser.NewPageAsync();
        await recorded.Page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(recorded.Page, email);
        await recorded.Page.WaitForURLAsync($"{Host.Url}/");
        return recorded;
    }

    /// <summary>The coordinator shortens the monitoring period of her school's protocol (as she may in the
    /// designer), so the "is het gestopt?" question comes within seconds instead of after two weeks.</summary>
    private async Task ShortenMonitoringAsync()
    {
        using var api = await ApiAsync(Coordinator);
        var id = SchoolProtocols.CopyIdOf("regenboog");
        var model = (JsonObject)await api.GetJsonAsync($"{HttpJson.ElsaRoot}/workflow-definitions/by-definition-id/{id}?versionOptions=Latest");
        foreach (var activity in model["root"]!["activities"]!.AsArray().OfType<JsonObject>().Where(a => (string?)a["type"] == "Pestprotocol.MonitorBehaviour"))
            activity["monitoringPeriod"] = new JsonObject { ["typeName"] = "TimeSpan", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = "00:00:01" } };
        await api.SaveDefinitionAsync(model);
    }

    /// <summary>A teacher reports a signal about two pupils of one group through the page; returns the case id and both names.</summary>
    private async Task<(string CaseId, string Bullied, string Bully)> ReportAsync(IPage page, string description)
    {
        await page.GotoAsync($"{Host.Url}/melden");
        var bullied = await AddPupilAsync(page, except: null);
        var bully = await AddPupilAsync(page, except: bullied);
        Assert.Equal(2, await page.Locator("#leerlingen li").CountAsync());
        await page.SelectOptionAsync("#rol-0", "Bullied");
        await page.SelectOptionAsync("#rol-1", "Bully");
        await page.FillAsync("#Description", description);
        await page.FillAsync("#Location", "Gymzaal");
        await page.CheckAsync("input[name=BoundaryCrossed][value=ja]");
        await page.ClickAsync("#versturen");
        try
        {
            // The address is what says the report was accepted; on a loaded machine the page's load event can come much later.
            await page.WaitForURLAsync(url => url.Contains("/melden/gemeld/"), new() { Timeout = Patience, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException("The report was not accepted:\n" + await page.InnerTextAsync("main"));
        }
        return (page.Url.Split('/').Last(), bullied, bully);
    }

    /// <summary>Searches "Groep 6" with the button (a full post, as without script) and adds the first pupil listed that is not <paramref name="except"/>.</summary>
    private static async Task<string> AddPupilAsync(IPage page, string? except)
    {
        await page.FillAsync("#Search", "Groep 6");
        await PostAndLoadAsync(page, page.Locator("#zoek"));
        var found = page.Locator("#gevonden li").Filter(new() { HasNotText = except ?? "\u0000" }).First;
        var name = (await found.Locator(".pupil").InnerTextAsync()).Replace("Groep 6", "").Trim();
        await PostAndLoadAsync(page, found.Locator("button"));
        Assert.Contains(name, await page.InnerTextAsync("#leerlingen"));
        return name;
    }

    /// <summary>Presses a button that posts the report form back to itself (same address), and waits until the answer has loaded.</summary>
    private static async Task PostAndLoadAsync(IPage page, ILocator button)
    {
        await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Request.Method == "POST" && r.Url.EndsWith("/melden"));
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>Opens the person's inbox, finds the case's open task with the given step title there and opens it.</summary>
    private async Task OpenFromInboxAsync(RecordedPage recorded, string caseId, string title)
    {
        var page = recorded.Page;
        var row = page.Locator("li.task", new() { HasText = "Zaak " + caseId[..8] }).Filter(new() { HasText = title });
        // A task that follows a timer (the end of the monitoring period) appears once the host's timer fired.
        for (var attempt = 0; attempt < 60 && await row.CountAsync() == 0; attempt++)
        {
            await page.GotoAsync($"{Host.Url}/");
            if (await row.CountAsync() == 0) await page.WaitForTimeoutAsync(500);
        }
        Assert.True(await row.CountAsync() == 1, $"'{title}' of case {caseId} is not in the inbox:\n{await page.InnerTextAsync("main")}");
        await row.Locator("a.task-title").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/taken/"));
        Assert.Contains(title, await page.InnerTextAsync("h1"));
    }

    /// <summary>Every field has a label, and the page does not scroll sideways on a phone (390 px) or a tablet (768 px).</summary>
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
            if (width == 390) await recorded.ScreenshotAsync(name + "-phone");
        }
        await page.SetViewportSizeAsync(1280, 800);
    }

    private static async Task CompleteAsync(IPage page, string outcomeLabel)
    {
        var taskUrl = page.Url;
        await page.Locator("#taakformulier").GetByRole(AriaRole.Button, new() { Name = outcomeLabel, Exact = true }).ClickAsync();
        await page.WaitForURLAsync(taskUrl);
        Assert.True(await page.Locator("#afgerond").CountAsync() == 1, await page.InnerTextAsync("main"));
    }

    [Fact]
    public async Task A_case_goes_from_signal_through_every_step_to_closed_by_the_people_it_is_meant_for()
    {
        await ShortenMonitoringAsync();

        await using var reporter = await SignedInPageAsync(Reporter);
        var (caseId, bullied, bully) = await ReportAsync(reporter.Page, "Wordt na de gymles in de kleedkamer uitgelachen en geduwd.");

        // Steps 1 and 2: the coordinator, from her inbox.
        await using var coordinator = await SignedInPageAsync(Coordinator);
        var page = coordinator.Page;
        await coordinator.ScreenshotAsync("walk-inbox-coordinator");
        await AssertLabelledAndFitsAsync(coordinator, "walk-inbox");
        await OpenFromInboxAsync(coordinator, caseId, "Stap 1");
        await page.FillAsync("#veld-notes", "Gesproken met de melder; signaal is duidelijk.");
        await CompleteAsync(page, "Afgerond");
        await OpenFromInboxAsync(coordinator, caseId, "Stap 2");
        await page.FillAsync("#veld-reasoning", "Herhaaldelijk, en een machtsverschil: dit is pesten.");
        await CompleteAsync(page, "Pesten");

        // The group conversation is the reporting teacher's.
        await OpenFromInboxAsync(reporter, caseId, "Pesten bespreken in de groep");
        await reporter.Page.CheckAsync("#veld-held input[value=ja]");
        await reporter.Page.FillAsync("#veld-rolesInGroup", "Twee meelopers, één helper die het meldde.");
        await CompleteAsync(reporter.Page, "Afgerond");

        // Step 3: the coordinator makes the plan and chooses who holds the conversations.
        await OpenFromInboxAsync(coordinator, caseId, "Stap 3");
        await page.CheckAsync("#veld-informed input[value=ParentsOfBullied]");
        await page.CheckAsync("#veld-informed input[value=ParentsOfBully]");
        await page.FillAsync("#veld-registration", "In ESIS bij beide leerlingen.");
        await page.SelectOptionAsync("#veld-bulliedPupilConversationBy", new SelectOptionValue { Label = "Karin Smit" });
        await page.SelectOptionAsync("#veld-bullyConversationBy", new SelectOptionValue { Label = "Joost Mulder" });
        await page.SelectOptionAsync("#veld-bullyParentsConversationBy", new SelectOptionValue { Label = "Diana de Wit" });
        await page.SelectOptionAsync("#veld-esisRegistrationBy", new SelectOptionValue { Label = "Karin Smit" });
        await coordinator.ScreenshotAsync("walk-task-form-plan");
        await CompleteAsync(page, "Afgerond");

        // Step 4 in the inbox of the teacher chosen for it.
        await OpenFromInboxAsync(reporter, caseId, "Stap 4");
        await reporter.Page.FillAsync("#veld-notes", "Leerling vertelde wat er gebeurt; we pakken het op.");
        await reporter.Page.CheckAsync("#veld-withParent input[value=nee]");
        await CompleteAsync(reporter.Page, "Afgerond");

        // Step 5 in the inbox of the other teacher, with the signed nadenkvel uploaded.
        await using var bullyTalker = await SignedInPageAsync(BullyTalker);
        await OpenFromInboxAsync(bullyTalker, caseId, "Stap 5");
        await bullyTalker.Page.FillAsync("#veld-notes", "Besproken dat het moet stoppen; nadenkvel ingevuld.");
        await bullyTalker.Page.CheckAsync("#veld-nadenkvelSigned input[value=ja]");
        await bullyTalker.Page.SetInputFilesAsync("#veld-nadenkvel", new FilePayload
        {
            Name = "nadenkvel.pdf", MimeType = "application/pdf",
            Buffer = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray(),
        });
        await bullyTalker.ScreenshotAsync("walk-task-form-nadenkvel");
        await AssertLabelledAndFitsAsync(bullyTalker, "walk-task-form-nadenkvel");
        await CompleteAsync(bullyTalker.Page, "Afgerond");

        // The ESIS registration, for the teacher chosen in step 3.
        await OpenFromInboxAsync(reporter, caseId, "ESIS");
        // A text per pupil, the other pupil as "andere leerling"; the copy button works by keyboard.
        var esisTexts = reporter.Page.Locator(".esis-pupil pre");
        Assert.Equal(2, await esisTexts.CountAsync());
        var forBullied = await reporter.Page.Locator(".esis-pupil", new() { HasText = bullied + " (" }).Locator("pre").InnerTextAsync();
        Assert.DoesNotContain(bully, forBullied);
        await reporter.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = Host.Url });
        var copy = reporter.Page.Locator(".esis-pupil", new() { HasText = bullied + " (" }).Locator("button.copy-text");
        await copy.FocusAsync();
        await reporter.Page.Keyboard.PressAsync("Enter");
        var copyStatus = reporter.Page.Locator(".esis-pupil", new() { HasText = bullied + " (" }).Locator(".copy-status");
        await copyStatus.Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex(".+") }).WaitForAsync();
        if (await copyStatus.InnerTextAsync() == "Gekopieerd.")
            Assert.Equal(forBullied.Trim(), (await reporter.Page.EvaluateAsync<string>("navigator.clipboard.readText()")).Trim());
        else // no clipboard: the text is selected for Ctrl+C
            Assert.Equal(forBullied.Trim(), (await reporter.Page.EvaluateAsync<string>("String(window.getSelection())")).Trim());
        await reporter.ScreenshotAsync("walk-task-esis");
        await reporter.Page.FillAsync("#veld-esisReference", "ESIS-2026-0042");
        await CompleteAsync(reporter.Page, "Afgerond");

        // After the monitoring period: it goes on, so step 6 with the bully's parents.
        await OpenFromInboxAsync(coordinator, caseId, "Is het pesten gestopt?");
        await page.FillAsync("#veld-observations", "Opnieuw uitgelachen in de kleedkamer.");
        await CompleteAsync(page, "Gaat door");
        await OpenFromInboxAsync(coordinator, caseId, "Stap 6: gesprek met de ouders van de pester plannen");
        await page.FillAsync("#veld-meetingAt", DateTime.Today.AddDays(2).ToString("yyyy-MM-dd") + "T15:30");
        await page.FillAsync("#veld-place", "Kamer van de directie");
        await CompleteAsync(page, "Afgerond");
        await OpenFromInboxAsync(coordinator, caseId, "Stap 6: gesprek met de ouders van de pester");
        await page.FillAsync("#veld-heldOn", DateTime.Today.ToString("yyyy-MM-dd"));
        await page.FillAsync("#veld-notes", "Ouders geïnformeerd; afspraken gemaakt.");
        await CompleteAsync(page, "Afgerond");

        // The second monitoring period: it stopped; the case closes.
        await OpenFromInboxAsync(coordinator, caseId, "Is het pesten gestopt?");
        await page.FillAsync("#veld-observations", "Geen voorvallen meer gezien.");
        await CompleteAsync(page, "Gestopt");
        Assert.Equal("De zaak is gesloten.", await page.InnerTextAsync("#volgende-stap"));

        // The dossier tells the whole story.
        await page.GotoAsync($"{Host.Url}/zaken/{caseId}");
        Assert.StartsWith("Gesloten", await page.InnerTextAsync("#status"));
        var timeline = await page.InnerTextAsync("#tijdlijn");
        Assert.Contains("Signaal gemeld door Karin Smit", timeline);
        Assert.Contains("Zaak afgesloten", timeline);
        var steps = await page.InnerTextAsync("#eerdere-stappen");
        foreach (var step in new[] { "Stap 1", "Stap 2", "Pesten bespreken in de groep", "Stap 3", "Stap 4", "Stap 5", "Stap 6", "ESIS", "Is het pesten gestopt?" })
            Assert.Contains(step, steps);
        Assert.Contains("Opnieuw uitgelachen in de kleedkamer.", steps);
        Assert.Contains("ESIS-2026-0042", steps);
        Assert.Contains(bullied + " ", await page.InnerTextAsync("#zaak-leerlingen"));
        Assert.Contains(bully + " ", await page.InnerTextAsync("#zaak-leerlingen"));

        // The nadenkvel is in the dossier and opens for the coordinator.
        var document = page.Locator("a[href*='/documenten/']").First;
        Assert.Contains("nadenkvel.pdf", await document.InnerTextAsync());
        var href = await document.GetAttributeAsync("href");
        var download = await page.Context.APIRequest.GetAsync($"{Host.Url}{href}");
        Assert.Equal(200, download.Status);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await download.BodyAsync()));
        await coordinator.ScreenshotAsync("walk-dossier-closed");
        await AssertLabelledAndFitsAsync(coordinator, "walk-dossier-closed");

        // The bullied pupil's own page: this case, with the role they had in it.
        await page.Locator("#zaak-leerlingen a", new() { HasText = bullied }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/leerlingen/"));
        Assert.Contains(bullied, await page.InnerTextAsync("h1"));
        Assert.Contains("gepeste", await page.InnerTextAsync("main"));
        await AssertLabelledAndFitsAsync(coordinator, "walk-pupil");
        foreach (var recorded in new[] { reporter, coordinator, bullyTalker })
        {
            Assert.Empty(recorded.ErrorResponses);
            Assert.Empty(recorded.ConsoleErrors);
        }

        // A teacher of the other school cannot open the dossier, the task or the nadenkvel.
        await using var stranger = await SignedInPageAsync("leerkracht1@vlinder.test");
        foreach (var url in new[] { $"/zaken/{caseId}", href! })
            Assert.Equal(404, (await stranger.Page.Context.APIRequest.GetAsync($"{Host.Url}{url}")).Status);
    }

    [Fact]
    public async Task A_signal_judged_not_bullying_at_step_2_closes_the_case_and_the_reporter_sees_it_closed()
    {
        await using var reporter = await SignedInPageAsync(Reporter);
        var (caseId, _, _) = await ReportAsync(reporter.Page, "Ruzie over een bal op het plein.");

        await using var coordinator = await SignedInPageAsync(Coordinator);
        var page = coordinator.Page;
        await OpenFromInboxAsync(coordinator, caseId, "Stap 1");
        await page.FillAsync("#veld-notes", "Eenmalige ruzie.");
        await CompleteAsync(page, "Afgerond");

        // Step 2 by keyboard alone: type, then Tab to the "Geen pesten" button and press Enter.
        await OpenFromInboxAsync(coordinator, caseId, "Stap 2");
        await page.FocusAsync("#veld-reasoning");
        await page.Keyboard.TypeAsync("Geen machtsverschil; ruzie, geen pesten.");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Samen een afspraak gemaakt over het plein.");
        var taskUrl = page.Url;
        for (var i = 0; i < 10 && !await page.EvaluateAsync<bool>("() => document.activeElement?.textContent?.trim() === 'Geen pesten'"); i++)
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(taskUrl);
        Assert.Contains("uitkomst: Geen pesten", await page.InnerTextAsync("#afgerond"));
        Assert.Equal("De zaak is gesloten.", await page.InnerTextAsync("#volgende-stap"));

        // The reporter sees her case closed, with the agreement, and has nothing left to do for it.
        await reporter.Page.GotoAsync($"{Host.Url}/zaken/{caseId}");
        Assert.StartsWith("Gesloten", await reporter.Page.InnerTextAsync("#status"));
        Assert.Contains("Samen een afspraak gemaakt over het plein.", await reporter.Page.InnerTextAsync("#eerdere-stappen"));
        await reporter.Page.GotoAsync($"{Host.Url}/");
        Assert.Equal(0, await reporter.Page.Locator("li.task", new() { HasText = "Zaak " + caseId[..8] }).CountAsync());
        await reporter.ScreenshotAsync("walk-not-bullying-dossier");
        Assert.Empty(reporter.ErrorResponses);
        Assert.Empty(coordinator.ErrorResponses);
    }
}
