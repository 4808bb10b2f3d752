using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>
/// The pupil page (/leerlingen/{id}) and GET /api/pupils/{id}/cases over real HTTP. In the demo
/// school, Karin Smit (leerkracht1) teaches groep 5 (rb-033 .. rb-040), Joost Mulder (leerkracht2) groep 6.
/// </summary>
public sealed partial class PupilPagesTests : IAsyncLifetime
{
    private const string Groep5Pupil = "rb-033";
    private const string Groep5Other = "rb-038";
    private const string Groep1Pupil = "rb-001";
    private SchoolApp _s = null!;

    public Task InitializeAsync()
    {
        _s = new SchoolApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<string> ReportAsync(string email, params (string PupilId, string Role)[] pupils) =>
        (string)(await _s.ReportAsync(email, SchoolApp.Signal(pupils)))["id"]!;

    [GeneratedRegex("<li data-case=\"([0-9a-f]+)\"")]
    private static partial Regex CaseRow();

    [Fact]
    public async Task Coordinator_leader_admin_and_the_groups_own_teacher_open_the_pupil_others_get_the_same_404_as_a_guessed_id()
    {
        // Joost reports: Karin (the pupil's own teacher) has no part in the case.
        var caseId = await ReportAsync(HostApp.Teacher2, (Groep5Pupil, "Bullied"));

        foreach (var allowed in new[] { HostApp.Coordinator, HostApp.Leader, HostApp.Admin, HostApp.Teacher1 })
        {
            using var session = await PageSession.SignInAsync(_s.App, allowed);
            var (status, raw) = await session.GetAsync($"/leerlingen/{Groep5Pupil}");
            var html = WebUtility.HtmlDecode(raw);
            Assert.True(status == HttpStatusCode.OK, $"{allowed}: {(int)status}");
            Assert.Contains("id=\"groep\">Groep 5<", html);
            Assert.Equal([caseId], CaseRow().Matches(html).Select(m => m.Groups[1].Value));
            Assert.Contains("gepeste", html);
            Assert.Contains("Signaal gemeld door Joost Mulder", html);
            // The dossier link only for those who may open the dossier: not for Karin.
            Assert.Equal(allowed != HostApp.Teacher1, html.Contains($"href=\"/zaken/{caseId}\""));

            var api = await _s.SendAsync(allowed, HttpMethod.Get, $"/api/pupils/{Groep5Pupil}/cases");
            Assert.Equal(HttpStatusCode.OK, api.Status);
            Assert.Equal(caseId, (string)api.Json["cases"]![0]!["caseId"]!);
            Assert.Equal(allowed == HostApp.Teacher1 ? null : $"/zaken/{caseId}", (string?)api.Json["cases"]![0]!["dossierUrl"]);
        }

        // Joost reported the case but does not teach groep 5; the other school's staff; a guessed id.
        foreach (var (who, pupil) in new[] { (HostApp.Teacher2, Groep5Pupil), (HostApp.OtherCoordinator, Groep5Pupil), (HostApp.OtherTeacher, Groep5Pupil),
                     (HostApp.Coordinator, "rb-999"), (HostApp.Teacher1, Groep1Pupil) })
        {
            using var session = await PageSession.SignInAsync(_s.App, who);
            var (status, html) = await session.GetAsync($"/leerlingen/{pupil}");
            Assert.True(status == HttpStatusCode.NotFound, $"{who} /leerlingen/{pupil}: {(int)status}");
            Assert.Contains("Niet gevonden", html);
            Assert.DoesNotContain(caseId, html);
            ApiAnswer.AssertProblem(await _s.SendAsync(who, HttpMethod.Get, $"/api/pupils/{pupil}/cases"), HttpStatusCode.NotFound, $"{who} api {pupil}");
        }

        using var anonymous = _s.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using (var page = await anonymous.GetAsync($"/leerlingen/{Groep5Pupil}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/inloggen", page.Headers.Location?.PathAndQuery ?? page.Headers.Location?.OriginalString);
        }
        using (var api = await anonymous.GetAsync($"/api/pupils/{Groep5Pupil}/cases"))
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task The_chronology_lists_the_cases_newest_first_with_the_role_in_each_and_all_their_lines_in_time_order()
    {
        var first = await ReportAsync(HostApp.Teacher1, (Groep5Pupil, "Bullied"), (Groep5Other, "Bully"));
        _s.App.Clock.Advance(TimeSpan.FromMinutes(10));
        var second = await ReportAsync(HostApp.Teacher2, (Groep5Pupil, "Bully"));
        _s.App.Clock.Advance(TimeSpan.FromMinutes(10));
        await _s.CompleteAsync(HostApp.Coordinator, first, "Pestprotocol.DiscussWithCoordinator", new() { ["notes"] = "besproken" });
        await ReportAsync(HostApp.Teacher1, (Groep5Other, "Bullied")); // not this pupil's case

        var json = (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Get, $"/api/pupils/{Groep5Pupil}/cases")).Json;
        Assert.Equal("Groep 5", (string)json["group"]!);
        var cases = json["cases"]!.AsArray();
        Assert.Equal([second, first], cases.Select(c => (string)c!["caseId"]!));
        Assert.Equal(["Bully", "Bullied"], cases.Select(c => (string)c!["role"]!));
        Assert.Equal(["pester", "gepeste"], cases.Select(c => (string)c!["roleLabel"]!));

        var timeline = json["timeline"]!.AsArray();
        var milestones = timeline.Where(t => (string)t!["kind"]! is "Reported" or "TaskCompleted").ToList();
        Assert.Equal([first, second, first], milestones.Select(t => (string)t!["caseId"]!));
        Assert.Equal(["Reported", "Reported", "TaskCompleted"], milestones.Select(t => (string)t!["kind"]!));
        Assert.Equal(["Bullied", "Bully", "Bullied"], milestones.Select(t => (string)t!["role"]!));
        Assert.Equal(new[] { first, second }.ToHashSet(), timeline.Select(t => (string)t!["caseId"]!).ToHashSet());
        var times = timeline.Select(t => DateTimeOffset.Parse((string)t!["at"]!)).ToList();
        Assert.Equal(times.Order(), times);

        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var html = WebUtility.HtmlDecode((await coordinator.GetAsync($"/leerlingen/{Groep5Pupil}")).Html);
        Assert.Equal([second, first], CaseRow().Matches(html).Select(m => m.Groups[1].Value));
        var lines = Regex.Matches(html, "<li class=\"timeline-(?:reported|taskcompleted)\" data-case=\"([0-9a-f]+)\">(.*?)</li>", RegexOptions.Singleline)
            .Select(m => (m.Groups[1].Value, Regex.Replace(m.Groups[2].Value, "<[^>]+>|\\s+", " "))).ToList();
        Assert.Equal(timeline.Count, Regex.Matches(html, "<li class=\"timeline-").Count);
        Assert.Equal([first, second, first], lines.Select(l => l.Item1));
        Assert.Contains("(gepeste): Signaal gemeld door Karin Smit", lines[0].Item2);
        Assert.Contains("(pester): Signaal gemeld door Joost Mulder", lines[1].Item2);
    }

    [Fact]
    public async Task Pupil_names_in_the_case_list_and_dossier_link_to_the_pupil_page_only_when_the_viewer_may_open_it()
    {
        var caseId = await ReportAsync(HostApp.Teacher1, (Groep1Pupil, "Bully"), (Groep5Pupil, "Bullied"));

        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        foreach (var url in new[] { "/zaken", $"/zaken/{caseId}" })
        {
            var (_, html) = await coordinator.GetAsync(url);
            Assert.Contains($"href=\"/leerlingen/{Groep1Pupil}\"", html);
            Assert.Contains($"href=\"/leerlingen/{Groep5Pupil}\"", html);
        }

        // Karin reported it and teaches groep 5 only.
        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        foreach (var url in new[] { "/zaken", $"/zaken/{caseId}" })
        {
            var (_, html) = await teacher.GetAsync(url);
            Assert.Contains($"href=\"/leerlingen/{Groep5Pupil}\"", html);
            Assert.DoesNotContain($"href=\"/leerlingen/{Groep1Pupil}\"", html);
        }
        var (_, list) = await teacher.GetAsync("/zaken");
        var row = Regex.Replace(Regex.Replace(WebUtility.HtmlDecode(Regex.Match(list, $"<li data-case=\"{caseId}\">(.*?)<div", RegexOptions.Singleline).Groups[1].Value), "<[^>]+>", ""), "\\s+", " ").Trim();
        var names = await _s.PupilsAsync(HostApp.Coordinator);
        string Name(string id) => (string)names.First(p => (string)p["id"]! == id)["name"]!;
        // The name without a link stays, as the linked one, with its group and role.
        Assert.Equal($"Zaak {caseId[..8]}: {Name(Groep1Pupil)} (Groep 1, pester), {Name(Groep5Pupil)} (Groep 5, gepeste)", row);
    }

    [Fact]
    public async Task The_pupil_search_finds_by_part_of_the_name_among_the_pupils_one_may_open()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, all) = await coordinator.GetAsync("/leerlingen?zoek=groep%201");
        Assert.Contains($"href=\"/leerlingen/{Groep1Pupil}\"", all);

        var name = (string)(await _s.PupilsAsync(HostApp.Coordinator)).First(p => (string)p["id"]! == Groep5Pupil)["lastName"]!;
        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (_, found) = await teacher.GetAsync($"/leerlingen?zoek={Uri.EscapeDataString(name[^3..])}");
        Assert.Contains($"href=\"/leerlingen/{Groep5Pupil}\"", found);
        var (_, own) = await teacher.GetAsync("/leerlingen");
        Assert.Equal(8, Regex.Matches(own, "data-pupil=\"").Count); // her group, nobody else
        Assert.DoesNotContain($"href=\"/leerlingen/{Groep1Pupil}\"", own);
    }
}
