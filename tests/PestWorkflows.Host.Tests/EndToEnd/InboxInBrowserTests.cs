using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>On a phone (390 px): the leader filters the inbox to every open task and hands one over with a reason.</summary>
public sealed class InboxInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    private const string EveryFieldLabelled =
        "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].every(e => e.labels.length > 0 || e.hasAttribute('aria-label'))";
    private const string NoSidewaysScroll = "() => document.documentElement.scrollWidth <= window.innerWidth";

    [Fact]
    public async Task On_a_phone_the_leader_filters_all_open_tasks_and_reassigns_one_with_a_reason()
    {
        using var teacherApi = await ApiAsync("leerkracht1@regenboog.test");
        var pupil = (string)(await teacherApi.GetJsonAsync("/api/pupils")).AsArray()[0]!["id"]!;
        var caseId = (string)(await teacherApi.PostJsonAsync("/api/cases", new JsonObject
        {
            ["description"] = "Wordt buitengesloten bij het buitenspelen.",
            ["observedAt"] = DateTimeOffset.UtcNow.AddMinutes(-30).ToString("O"),
            ["location"] = "Schoolplein",
            ["boundaryCrossed"] = true,
            ["pupils"] = new JsonArray(new JsonObject { ["pupilId"] = pupil, ["role"] = "Bullied" }),
        }))["id"]!;
        using var coordinatorApi = await ApiAsync("apc@regenboog.test");
        var taskId = (string)(await coordinatorApi.GetJsonAsync($"/api/tasks?caseId={caseId}")).AsArray().Single()!["id"]!;

        await using var leader = await Browser.NewPageAsync(width: 390, height: 844);
        var page = leader.Page;
        await page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(page, "directie@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}/");

        await page.ClickAsync("#filters >> text=Alle open taken");
        await page.WaitForURLAsync($"{Host.Url}/?filter=alle");
        Assert.Equal("Alle open taken", await page.InnerTextAsync("#filters [aria-current=page]"));
        var row = page.Locator($"li.task[data-task='{taskId}']");
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the inbox scrolls sideways at 390 px");
        await leader.ScreenshotAsync("inbox-all-phone");

        await row.Locator("a.assign-link").ClickAsync();
        await page.WaitForURLAsync($"{Host.Url}/taken/{taskId}#toewijzen");
        await page.SelectOptionAsync("#aan", "role:Teacher");
        await page.ClickAsync("#toewijzen button[type=submit]");
        Assert.Equal("Geef een reden waarom de taak naar een ander gaat.", await page.InnerTextAsync("#reden-fout"));
        Assert.Equal("role:Teacher", await page.InputValueAsync("#aan"));
        Assert.True(await page.EvaluateAsync<bool>(EveryFieldLabelled), "a field on the task page has no label");
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the task page scrolls sideways at 390 px");
        await leader.ScreenshotAsync("task-reassign-error-phone");

        await page.FillAsync("#reden", "De mentor pakt dit op.");
        await page.ClickAsync("#toewijzen button[type=submit]");
        await page.WaitForURLAsync($"{Host.Url}/taken/{taskId}");
        Assert.Contains("Je hebt de taak toegewezen.", await page.InnerTextAsync("main"));
        await page.GotoAsync($"{Host.Url}/zaken/{caseId}");
        Assert.Contains("Reden: De mentor pakt dit op.", await page.InnerTextAsync("main"));
        Assert.Empty(leader.ErrorResponses);
    }
}
