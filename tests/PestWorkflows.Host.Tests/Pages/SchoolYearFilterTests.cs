using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>The school-year filter on /zaken and GET /api/cases: a year runs from Amsterdam midnight on 1 August.</summary>
public sealed partial class SchoolYearFilterTests : IAsyncLifetime
{
    // 31 July 23:30 and 1 August 00:30 in Amsterdam (summer time, UTC+2): both 31 July in UTC.
    private static readonly DateTimeOffset LastEvening = new(2026, 7, 31, 21, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FirstNight = new(2026, 7, 31, 22, 30, 0, TimeSpan.Zero);

    private SchoolApp _s = null!;
    private string _old = "", _new = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp(startAt: LastEvening);
        _old = await ReportAsync();
        _s.App.Clock.SetUtcNow(FirstNight);
        _new = await ReportAsync();
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<string> ReportAsync()
    {
        var signal = SchoolApp.Signal(("rb-001", "Bullied"));
        signal["observedAt"] = _s.App.Clock.GetUtcNow().AddMinutes(-10).ToString("O");
        return (string)(await _s.ReportAsync(HostApp.Teacher1, signal))["id"]!;
    }

    [GeneratedRegex("<li data-case=\"([0-9a-f]+)\"")]
    private static partial Regex CaseRow();

    [Fact]
    public async Task The_api_keeps_the_cases_of_the_asked_school_year_and_refuses_a_wrong_one_in_dutch()
    {
        var client = await _s.As(HostApp.Coordinator);
        static List<string> Ids(JsonNode list) => list.AsArray().Select(c => (string)c!["id"]!).ToList();
        Assert.Equal([_old], Ids(await client.GetJsonAsync("/api/cases?schoolYear=2025-2026")));
        Assert.Equal([_new], Ids(await client.GetJsonAsync("/api/cases?schoolYear=2026-2027")));
        Assert.Empty(Ids(await client.GetJsonAsync("/api/cases?schoolYear=2027-2028")));
        Assert.Equal([_new, _old], Ids(await client.GetJsonAsync("/api/cases")));

        foreach (var wrong in new[] { "2026", "2026-2028", "dit-jaar" })
        {
            var answer = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Get, $"/api/cases?schoolYear={wrong}");
            ApiAnswer.AssertProblem(answer, HttpStatusCode.BadRequest, wrong);
            Assert.Contains("schooljaar", (string)answer.Json["errors"]!["schoolYear"]![0]!);
        }
    }

    [Fact]
    public async Task The_case_list_offers_the_years_with_cases_and_filters_on_them()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, all) = await coordinator.GetAsync("/zaken");
        Assert.Equal([_new, _old], CaseRow().Matches(all).Select(m => m.Groups[1].Value));
        var years = Regex.Matches(all, "<option value=\"(\\d{4}-\\d{4})\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["2026-2027", "2025-2026"], years);

        var (_, old) = await coordinator.GetAsync("/zaken?schooljaar=2025-2026");
        Assert.Equal([_old], CaseRow().Matches(old).Select(m => m.Groups[1].Value));
        Assert.Contains("<option value=\"2025-2026\" selected=\"selected\">", old);
        var (_, current) = await coordinator.GetAsync("/zaken?schooljaar=2026-2027");
        Assert.Equal([_new], CaseRow().Matches(current).Select(m => m.Groups[1].Value));
        var (status, unreadable) = await coordinator.GetAsync("/zaken?schooljaar=vorig");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, CaseRow().Matches(unreadable).Count);
    }
}
