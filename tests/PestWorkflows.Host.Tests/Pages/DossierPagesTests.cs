using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>The dossier (/zaken/{id}), the case list (/zaken) and the paged GET /api/cases, over real HTTP.</summary>
public sealed partial class DossierPagesTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private List<JsonNode> _pupils = [];

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        _pupils = await _s.PupilsAsync(HostApp.Teacher1);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<string> ReportAsync(string pupilId) =>
        (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((pupilId, "Bullied"))))["id"]!;

    private static List<string> CasesOnPage(string html) => CaseRow().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<li data-case=\"([0-9a-f]+)\"")]
    private static partial Regex CaseRow();

    [Fact]
    public async Task The_coordinator_sees_the_dossier_with_its_timeline_notes_deadline_and_flow_link_the_reporter_without_the_flow_link()
    {
        var caseId = await ReportAsync((string)_pupils[0]["id"]!);
        // Step 1 is left until after 17:00: the overdue line is part of the timeline.
        _s.App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 16, 1, 0, TimeSpan.Zero));
        await _s.RunTimersAsync();
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new() { ["notes"] = "Gesprek gevoerd in de pauze." });
        var step2 = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying"))["id"]!;

        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (status, raw) = await coordinator.GetAsync($"/zaken/{caseId}");
        var html = WebUtility.HtmlDecode(raw);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Zaak {caseId[..8]}", html);
        Assert.Contains("<dd id=\"status\">Open", html);
        Assert.Contains("Stap 2", html);
        Assert.Matches("id=\"protocolversie\">versie \\d+<", html);
        Assert.Contains((string)_pupils[0]["name"]!, html);
        Assert.Contains("gepeste", html);
        Assert.Contains("Signaal gemeld door", html);
        Assert.Contains("class=\"timeline-overdue\"", html);
        Assert.Contains("Gesprek gevoerd in de pauze.", html); // what step 1 recorded
        Assert.Contains($"<a href=\"/taken/{step2}\">", html); // the open step she may act on
        Assert.Contains("id=\"termijn\"", html);
        Assert.Matches("<a href=\"/designer/zaken/[^\"]+\" id=\"stroom\">", html);

        // The task page and the inbox lead to the dossier.
        var (_, task) = await coordinator.GetAsync($"/taken/{step2}");
        Assert.Contains($"href=\"/zaken/{caseId}\"", task);
        var (_, inbox) = await coordinator.GetAsync("/");
        Assert.Contains($"href=\"/zaken/{caseId}\"", inbox);
        Assert.Contains("href=\"/zaken\" id=\"nav-zaken\"", inbox);

        // The reporter sees her case, but neither the designer's flow nor a link to the coordinator's step.
        using var reporter = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (own, ownHtml) = await reporter.GetAsync($"/zaken/{caseId}");
        Assert.Equal(HttpStatusCode.OK, own);
        Assert.Contains("Gesprek gevoerd in de pauze.", ownHtml);
        Assert.DoesNotContain("id=\"stroom\"", ownHtml);
        Assert.DoesNotContain($"href=\"/taken/{step2}\"", ownHtml);
    }

    [Fact]
    public async Task A_teacher_without_part_in_the_case_and_another_schools_staff_get_the_dutch_404_and_do_not_see_it_listed()
    {
        var caseId = await ReportAsync((string)_pupils[0]["id"]!);
        foreach (var stranger in new[] { HostApp.Teacher2, HostApp.OtherTeacher, HostApp.OtherCoordinator })
        {
            using var session = await PageSession.SignInAsync(_s.App, stranger);
            foreach (var url in new[] { $"/zaken/{caseId}", $"/zaken/{caseId.ToUpperInvariant()}", $"/zaken/{caseId[..8]}" })
            {
                var (status, html) = await session.GetAsync(url);
                Assert.True(status == HttpStatusCode.NotFound, $"{stranger} GET {url}: {(int)status}");
                Assert.Contains("Niet gevonden", html);
                Assert.DoesNotContain("uitgescholden", html, StringComparison.OrdinalIgnoreCase);
            }
            var (listed, list) = await session.GetAsync("/zaken");
            Assert.Equal(HttpStatusCode.OK, listed);
            Assert.DoesNotContain(caseId, list);
            Assert.Contains("id=\"geen-zaken\"", list);
        }
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync("/zaken/bestaat-niet")).Status);
    }

    [Fact]
    public async Task The_case_list_filters_by_status_step_group_and_overdue_and_pages_25_at_a_time_newest_first()
    {
        var first = _pupils[0];
        var other = _pupils.First(p => (string)p!["groupId"]! != (string)first["groupId"]!);
        var ids = new List<string>(); // oldest first
        for (var i = 0; i < 26; i++)
        {
            ids.Add(await ReportAsync((string)first["id"]!));
            _s.App.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        ids.Add(await ReportAsync((string)other["id"]!));
        var atStep2 = ids[0];
        var closed = ids[1];
        await _s.CompleteAsync(HostApp.Coordinator, atStep2, "Pestprotocol.DiscussWithCoordinator", new() { ["notes"] = "besproken" });
        await _s.CompleteAsync(HostApp.Coordinator, closed, "Pestprotocol.DiscussWithCoordinator", new() { ["notes"] = "besproken" });
        await _s.CompleteAsync(HostApp.Coordinator, closed, "Pestprotocol.DecideIfBullying",
            new() { ["outcome"] = "NotBullying", ["reasoning"] = "eenmalige ruzie", ["agreedFollowUp"] = "excuses" });
        _s.App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 16, 1, 0, TimeSpan.Zero)); // step 1 of the others is late now
        await _s.RunTimersAsync();

        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, page1) = await coordinator.GetAsync("/zaken");
        Assert.Contains("27 zaken, pagina 1 van 2", page1);
        Assert.Equal(ids.AsEnumerable().Reverse().Take(25), CasesOnPage(page1));
        Assert.Contains("href=\"/zaken?pagina=2\"", page1);
        var (_, page2) = await coordinator.GetAsync("/zaken?pagina=2");
        Assert.Equal([ids[1], ids[0]], CasesOnPage(page2));

        var (_, closedOnly) = await coordinator.GetAsync("/zaken?status=gesloten");
        Assert.Equal([closed], CasesOnPage(closedOnly));
        var (_, open) = await coordinator.GetAsync("/zaken?status=open&pagina=2");
        Assert.Contains("26 zaken, pagina 2 van 2", open);
        Assert.Equal([atStep2], CasesOnPage(open));
        Assert.Contains("href=\"/zaken?status=open&amp;pagina=1\"", open); // paging keeps the filter

        var step = (int)(await _s.CaseAsync(HostApp.Coordinator, atStep2))["currentStep"]!;
        var (_, byStep) = await coordinator.GetAsync($"/zaken?stap={step}");
        Assert.Equal([atStep2], CasesOnPage(byStep));
        var (_, byGroup) = await coordinator.GetAsync($"/zaken?groep={Uri.EscapeDataString((string)other["groupId"]!)}");
        Assert.Equal([ids[26]], CasesOnPage(byGroup));
        var (_, overdue) = await coordinator.GetAsync("/zaken?telaat=true");
        Assert.Contains("id=\"aantal\">25 zaken.<", overdue);
        Assert.Equal(25, CasesOnPage(overdue).Count);
        Assert.Empty(CasesOnPage(overdue).Intersect([atStep2, closed]));

        // The reporter sees her cases too; a teacher without part sees none.
        using var reporter = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        Assert.Contains("27 zaken", (await reporter.GetAsync("/zaken")).Html);
    }

    [Fact]
    public async Task The_api_pages_the_cases_and_says_the_total()
    {
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await ReportAsync((string)_pupils[0]["id"]!));
            _s.App.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var client = await _s.As(HostApp.Coordinator);
        using (var page2 = await client.GetAsync("/api/cases?page=2&pageSize=5"))
        {
            Assert.Equal(HttpStatusCode.OK, page2.StatusCode);
            Assert.Equal("12", page2.Headers.GetValues("X-Total-Count").Single());
            var items = JsonNode.Parse(await page2.Content.ReadAsStringAsync())!.AsArray().Select(c => (string)c!["id"]!);
            Assert.Equal(ids.AsEnumerable().Reverse().Skip(5).Take(5), items);
        }
        Assert.Equal(2, (await client.GetJsonAsync("/api/cases?page=3&pageSize=5")).AsArray().Count);
        Assert.Equal(12, (await client.GetJsonAsync("/api/cases")).AsArray().Count);

        foreach (var wrong in new[] { "?page=0", "?pageSize=0", "?pageSize=100000", "?page=eerste" })
        {
            using var refused = await client.GetAsync("/api/cases" + wrong);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
    }
}
