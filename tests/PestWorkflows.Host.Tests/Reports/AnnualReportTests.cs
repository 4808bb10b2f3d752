using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using PestWorkflows.Host.Reports;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Reports;

/// <summary>The jaarevaluatie over a seeded year whose every figure is known (<see cref="AnnualReportExpectations"/>).</summary>
public sealed partial class AnnualReportTests : IAsyncLifetime
{
    private readonly SchoolApp _s = new();

    public async Task InitializeAsync()
    {
        await _s.As(HostApp.Coordinator); // starts the host: demo schools and pupils exist
        await ReportYearSeed.WriteAsync(_s.App.Services);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task The_coordinator_gets_every_figure_of_the_year_beside_the_year_before()
    {
        var report = await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/reports/annual?schoolYear=2025-2026");
        Assert.Equal("regenboog", (string)report["schoolId"]!);
        AnnualReportExpectations.Assert2025_2026(report["current"]!);
        AnnualReportExpectations.Assert2024_2025(report["previous"]!);
    }

    [Fact]
    public async Task The_leader_sees_the_same_and_without_a_year_the_current_one()
    {
        var report = await (await _s.As(HostApp.Leader)).GetJsonAsync("/api/reports/annual");
        // The clock stands in November 2026: school year 2026-2027, with case G (1 August 00:30) as its only signal.
        Assert.Equal("2026-2027", (string)report["current"]!["schoolYear"]!);
        Assert.Equal(1, (int)report["current"]!["signals"]!);
        AnnualReportExpectations.Assert2025_2026(report["previous"]!);
    }

    [Fact]
    public async Task A_teacher_and_another_schools_coordinator_do_not_get_the_report()
    {
        ApiAnswer.AssertProblem(await _s.SendAsync(HostApp.Teacher1, HttpMethod.Get, "/api/reports/annual?schoolYear=2025-2026"), HttpStatusCode.NotFound, "teacher");
        ApiAnswer.AssertProblem(await _s.SendAsync(HostApp.OtherCoordinator, HttpMethod.Get, "/api/reports/annual?schoolYear=2025-2026&school=regenboog"), HttpStatusCode.NotFound, "other coordinator");
        // Their own school's report has their own case only.
        var own = await (await _s.As(HostApp.OtherCoordinator)).GetJsonAsync("/api/reports/annual?schoolYear=2025-2026");
        Assert.Equal(1, (int)own["current"]!["signals"]!);

        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("/rapportage/jaarevaluatie")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("/rapportage/bestuur")).Status);
        var (_, home) = await teacher.GetAsync("/");
        Assert.DoesNotContain("nav-jaarevaluatie", home);
        using var other = await PageSession.SignInAsync(_s.App, HostApp.OtherCoordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/rapportage/jaarevaluatie?school=regenboog")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/rapportage/bestuur")).Status);
    }

    [Fact]
    public async Task A_wrong_school_year_is_a_dutch_problem()
    {
        foreach (var wrong in new[] { "2025", "2025-2027", "vorig-jaar" })
        {
            var answer = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Get, $"/api/reports/annual?schoolYear={wrong}");
            ApiAnswer.AssertProblem(answer, HttpStatusCode.BadRequest, wrong);
            Assert.Contains("schooljaar", (string)answer.Json["errors"]!["schoolYear"]![0]!);
        }
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (status, html) = await coordinator.GetAsync("/rapportage/jaarevaluatie?schooljaar=2025");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Geef het schooljaar als twee opeenvolgende jaren", html);
    }

    [Fact]
    public async Task The_page_shows_the_figures_and_charts_and_the_csv_has_the_same_figures()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, home) = await coordinator.GetAsync("/");
        Assert.Contains("href=\"/rapportage/jaarevaluatie\"", home);
        var (status, html) = await coordinator.GetAsync("/rapportage/jaarevaluatie?schooljaar=2025-2026");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Jaarevaluatie De Regenboog, schooljaar 2025-2026", html);
        // The outcome chart: one labelled bar per step and year.
        Assert.Contains("<svg id=\"grafiek-afloop\"", html);
        Assert.Contains("data-series=\"2025-2026\" data-category=\"MDO (stap 7)\" data-value=\"1\"", html);
        Assert.Contains("data-series=\"2025-2026\" data-category=\"Geen pesten (stap 2)\" data-value=\"2\"", html);
        Assert.Contains("data-series=\"2024-2025\" data-category=\"Gestopt na stap 5\" data-value=\"1\"", html);
        Assert.Contains("data-series=\"2025-2026\" data-category=\"Groep 2\" data-value=\"2\"", html);
        Assert.Contains("@media print", await (await coordinator.SendGetAsync("/css/site.css")).Content.ReadAsStringAsync());

        var pageRows = TableRow().Matches(html).Select(m =>
            new[] { WebUtility.HtmlDecode(m.Groups[1].Value) }.Concat(Cell().Matches(m.Groups[2].Value).Select(c => WebUtility.HtmlDecode(c.Groups[1].Value))).ToArray()).ToList();
        Assert.Contains(pageRows, r => r.SequenceEqual(["Signaal tot stap 1 afgerond: mediaan (uren)", "1,0", "58,5"]));
        Assert.Contains(pageRows, r => r.SequenceEqual(["Stap 1 op tijd afgerond (%)", "50,0", "66,7"]));

        using var csvResponse = await coordinator.SendGetAsync(CsvLink().Match(html).Groups[1].Value.Replace("&amp;", "&"));
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal("jaarevaluatie-regenboog-2025-2026.csv", csvResponse.Content.Headers.ContentDisposition?.FileNameStar ?? csvResponse.Content.Headers.ContentDisposition?.FileName);
        var bytes = await csvResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Cijfer;2024-2025;2025-2026", lines[0]);
        Assert.Equal(pageRows.Select(r => string.Join(';', r)), lines[1..]);
    }

    [Theory]
    [InlineData("=SOM(A1)", "'=SOM(A1)")]
    [InlineData("+31", "'+31")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("Groep 1; 2", "\"Groep 1; 2\"")]
    [InlineData("12,5", "12,5")]
    public void A_csv_cell_is_never_a_formula(string value, string cell) => Assert.Equal(cell, ReportCsv.Cell(value));

    [Fact]
    public async Task The_boards_admin_sees_every_school_side_by_side()
    {
        using var admin = await PageSession.SignInAsync(_s.App, HostApp.Admin);
        var (_, home) = await admin.GetAsync("/");
        Assert.Contains("href=\"/rapportage/bestuur\"", home);
        var (status, html) = await admin.GetAsync("/rapportage/bestuur?schooljaar=2025-2026");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(html.Contains("<th scope=\"col\">De Regenboog</th><th scope=\"col\">De Vlinder</th>"), html[html.IndexOf("<table")..]);
        Assert.Contains("<tr><th scope=\"row\">Signalen</th><td>6</td><td>1</td></tr>", html);
        // One line per group name across the schools.
        Assert.Contains("<tr><th scope=\"row\">Zaken in Groep 1</th><td>1</td><td>1</td></tr>", html);
        Assert.Contains("data-series=\"De Vlinder\" data-category=\"Signalen\" data-value=\"1\"", html);
        // The admin of the board also opens one school's report, but a coordinator gets no board view.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/rapportage/jaarevaluatie?schooljaar=2025-2026&school=vlinder")).Status);
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync("/rapportage/bestuur")).Status);
    }

    [GeneratedRegex("<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>")]
    private static partial Regex TableRow();

    [GeneratedRegex("<td>(.*?)</td>")]
    private static partial Regex Cell();

    [GeneratedRegex("href=\"([^\"]*format=csv[^\"]*)\"")]
    private static partial Regex CsvLink();
}
