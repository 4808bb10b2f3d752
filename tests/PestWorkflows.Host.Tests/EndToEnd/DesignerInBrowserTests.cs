using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>
/// The coordinator in the real Elsa Studio 3.8.2, served by the built host on a real SQLite file,
/// in headless Chromium.
/// </summary>
public sealed class DesignerInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    [Fact]
    public async Task The_coordinator_signs_in_and_opens_the_schools_protocol_in_the_Elsa_designer()
    {
        await using var recorded = await Browser.NewPageAsync();
        var page = recorded.Page;
        var clock = Stopwatch.StartNew();

        // Not signed in: the designer sends her to the sign-in page and back.
        await page.GotoAsync($"{Host.Url}/designer");
        Assert.EndsWith("/inloggen?ReturnUrl=%2Fdesigner", page.Url);
        await SignInAsync(page, "apc@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}/designer/");

        // The list: the school's protocol among the definitions; one click opens it in the editor.
        var row = page.GetByText("Pestprotocol De Regenboog").First;
        await WaitAsync(recorded, row, "designer-list-failed");
        await recorded.ScreenshotAsync("designer-list");
        await row.ClickAsync();
        await page.WaitForURLAsync($"{Host.Url}/designer/werkstroom/pestprotocol-regenboog");

        await WaitAsync(recorded, page.Locator(".x6-node").Nth(9), "designer-editor-failed");
        Assert.True(await page.Locator(".x6-node").CountAsync() >= 10, "the protocol's steps are not on the canvas");
        Assert.False(await page.Locator("#blazor-error-ui").IsVisibleAsync(), "the Studio shows its error bar");

        // The toolbox: every protocol activity the host describes, under "Pestprotocol".
        var protocolActivities = await ProtocolActivityNamesAsync();
        Assert.True(protocolActivities.Count >= 10, $"only {protocolActivities.Count} protocol activities described");
        await page.GetByText("Pestprotocol", new() { Exact = true }).First.ClickAsync();
        var toolbox = page.Locator(".mud-expand-panel").Filter(new() { HasText = "Pestprotocol" }).First;
        foreach (var name in protocolActivities)
            await WaitAsync(recorded, toolbox.GetByText(name, new() { Exact = true }).First, "designer-toolbox-failed");
        await recorded.ScreenshotAsync("designer-editor");

        foreach (var line in recorded.ConsoleErrors) Output.WriteLine("console: " + line);
        Assert.Empty(recorded.ForeignRequests(Host.Url));
        Assert.Empty(recorded.ErrorResponses);
        Assert.Empty(recorded.FailedRequests);
        Assert.Empty(recorded.ConsoleErrors);
    }

    [Fact]
    public async Task A_cold_load_of_the_editor_is_measured_in_bytes_and_seconds()
    {
        await using (var signIn = await Browser.NewPageAsync())
        {
            await signIn.Page.GotoAsync($"{Host.Url}/inloggen");
            await SignInAsync(signIn.Page, "apc@regenboog.test");
            await signIn.Page.WaitForURLAsync($"{Host.Url}/"); // the start page: her inbox
            var cookies = await signIn.Page.Context.CookiesAsync();
            await using var recorded = await Browser.NewPageAsync(cookies: cookies); // an empty cache, signed in
            var clock = Stopwatch.StartNew();
            await recorded.Page.GotoAsync($"{Host.Url}/designer/werkstroom/pestprotocol-regenboog");
            await WaitAsync(recorded, recorded.Page.Locator(".x6-node").Nth(9), "designer-cold-failed");
            var interactive = clock.Elapsed;
            var (bytes, largest) = await recorded.BytesReceivedAsync();
            Output.WriteLine($"cold load of the editor: interactive after {interactive.TotalSeconds:F1} s, {bytes / 1024.0 / 1024.0:F2} MB received");
            foreach (var (url, size) in largest) Output.WriteLine($"  {size / 1024.0:F0} KB {url}");
            await File.WriteAllTextAsync(Path.Combine(Browser.ArtefactsFolder, "designer-cold-load.txt"),
                $"interactive_seconds={interactive.TotalSeconds:F1}\nbytes_received={bytes}\n");
            Assert.Empty(recorded.ErrorResponses);
            Assert.True(bytes < 8_000_000, $"{bytes} bytes on a cold load of the editor; the target is under 8 MB (see bench/README.md)");
        }
    }

    [Fact]
    public async Task The_coordinator_shortens_the_monitoring_period_in_the_property_panel_and_publishes_it_for_new_cases()
    {
        using var api = await ApiAsync("apc@regenboog.test");
        var running = (string)(await api.PostJsonAsync("/api/cases", Signal()))["id"]!;

        // A wide window, so the monitoring step (far right in the flow) is not under the property panel.
        await using var recorded = await Browser.NewPageAsync(width: 3400, height: 1200);
        var page = recorded.Page;
        await page.GotoAsync($"{Host.Url}/inloggen?ReturnUrl=%2Fdesigner%2Fwerkstroom%2Fpestprotocol-regenboog");
        await SignInAsync(page, "apc@regenboog.test");
        var monitor = page.Locator(".x6-node").Filter(new() { HasText = "Volgen1" }).First;
        await WaitAsync(recorded, monitor, "designer-monitor-node-failed");
        await monitor.ClickAsync();

        // The activity's inputs, under the canvas: the field labelled with the input's display name.
        var period = page.Locator(".mud-input-control").Filter(new() { HasText = "Volgperiode" }).Locator("input").First;
        await WaitAsync(recorded, period, "designer-period-input-failed");
        await period.FillAsync("7.00:00:00");
        await period.PressAsync("Tab");
        await recorded.ScreenshotAsync("designer-property-panel");

        // The toolbar's publish button carries Material's "cloud upload" icon (its tooltip shows only on hover).
        var publish = page.Locator("button:has(path[d*='M14 13v4h-4v-4H7l5-5 5 5h-3z'])").Filter(new() { Visible = true }).First;
        await WaitAsync(recorded, publish, "designer-publish-button-failed");
        await publish.ClickAsync();
        await WaitAsync(recorded, page.GetByText("Workflow published").First, "designer-published-failed");

        var published = (await api.GetJsonAsync("/elsa/api/workflow-definitions/by-definition-id/pestprotocol-regenboog?versionOptions=Published")).AsObject();
        Assert.Equal(2, (int)published["version"]!);
        var stored = published["root"]!["activities"]!.AsArray().Single(a => (string?)a!["id"] == "Monitor1")!;
        Assert.Equal("7.00:00:00", (string?)stored["monitoringPeriod"]!["expression"]!["value"]);

        var fresh = (string)(await api.PostJsonAsync("/api/cases", Signal()))["id"]!;
        Assert.Equal(2, (int?)(await api.GetJsonAsync($"/api/cases/{fresh}"))["protocolVersion"]);
        Assert.Equal(1, (int?)(await api.GetJsonAsync($"/api/cases/{running}"))["protocolVersion"]);
        Assert.Empty(recorded.ErrorResponses);
        Assert.Empty(recorded.ConsoleErrors);
    }

    [Fact]
    public async Task The_coordinator_follows_a_case_from_its_dossier_to_its_flow_in_the_instance_viewer()
    {
        using var api = await ApiAsync("apc@regenboog.test");
        var caseId = (string)(await api.PostJsonAsync("/api/cases", Signal()))["id"]!;
        var step1 = (await api.GetJsonAsync($"/api/tasks?caseId={caseId}")).AsArray().Single()!;
        await api.PostJsonAsync($"/api/tasks/{(string)step1["id"]!}/complete", new System.Text.Json.Nodes.JsonObject { ["result"] = new System.Text.Json.Nodes.JsonObject { ["notes"] = "besproken" } });
        var flowUrl = (string)(await api.GetJsonAsync($"/api/cases/{caseId}"))["flowUrl"]!;

        await using var recorded = await Browser.NewPageAsync(width: 3400, height: 1200);
        var page = recorded.Page;
        await page.GotoAsync($"{Host.Url}/inloggen?ReturnUrl={Uri.EscapeDataString(flowUrl)}");
        await SignInAsync(page, "apc@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}{flowUrl}");

        // The flow, with the steps done and the one it waits at (step 2, the decision) in the journal.
        await WaitAsync(recorded, page.Locator(".x6-node").Nth(9), "viewer-failed");
        await WaitAsync(recorded, page.GetByText("Stap 1: Bespreken met anti-pestcoördinator - Completed").First, "viewer-step1-failed");
        await WaitAsync(recorded, page.GetByText("Stap 2: Is het pesten? - Suspended").First, "viewer-step2-failed");
        await recorded.ScreenshotAsync("designer-instance-viewer");
        Assert.False(await page.Locator("#blazor-error-ui").IsVisibleAsync(), "the viewer shows its error bar");
        foreach (var line in recorded.ConsoleErrors) Output.WriteLine("console: " + line);
        Assert.Empty(recorded.ErrorResponses);
        Assert.Empty(recorded.ConsoleErrors);
    }

    /// <summary>The display names of the activities the host describes in category "Pestprotocol".</summary>
    private async Task<List<string>> ProtocolActivityNamesAsync()
    {
        using var api = await ApiAsync("apc@regenboog.test");
        var descriptors = await api.GetJsonAsync("/elsa/api/descriptors/activities");
        return descriptors["items"]!.AsArray()
            .Where(d => (string?)d!["category"] == "Pestprotocol" && (bool?)d["isBrowsable"] != false)
            .Select(d => (string)d!["displayName"]!).ToList();
    }

    private static System.Text.Json.Nodes.JsonObject Signal() => new()
    {
        ["description"] = "Een leerling wordt in de pauze uitgescholden.",
        ["observedAt"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O"),
        ["location"] = "Schoolplein",
        ["boundaryCrossed"] = true,
        ["pupils"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["pupilId"] = "rb-033", ["role"] = "Bullied" }),
    };

    [Fact]
    public async Task A_teacher_gets_no_designer()
    {
        await using var recorded = await Browser.NewPageAsync(width: 768, height: 1024);
        var page = recorded.Page;
        await page.GotoAsync($"{Host.Url}/designer");

        // She signs in by keyboard only: the email field has the focus, Tab to the password, Enter to send.
        // (Typing waits for that focus: on a busy machine the first keys could come before the page set it.)
        await page.WaitForFunctionAsync("() => document.activeElement?.id === 'Email'", null, new() { Timeout = Patience });
        await page.Keyboard.TypeAsync("leerkracht1@regenboog.test");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("/geen-toegang"), new() { Timeout = Patience });
        Assert.Contains("Geen toegang", await page.InnerTextAsync("main"));
        Assert.Equal(0, await page.Locator("elsa-workflow-definition-list, elsa-workflow-definition-editor").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 768 px");

        // Signing out ends the session: the designer asks to sign in again.
        await page.ClickAsync("text=Afmelden");
        await page.WaitForURLAsync($"{Host.Url}/inloggen");
        await page.GotoAsync($"{Host.Url}/designer/");
        Assert.Contains("/inloggen?ReturnUrl=", page.Url);
    }
}
