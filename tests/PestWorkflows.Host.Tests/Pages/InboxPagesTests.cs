using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>"Mijn taken": filters as links with the active one marked, paging in the database, and handing a task over with a reason.</summary>
public sealed class InboxPagesTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _case = "", _task = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        _case = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[3]["id"]!, "Bullied"))))["id"]!;
        await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[4]["id"]!, "Bullied")));
        _task = (string)(await _s.TaskAsync(HostApp.Coordinator, _case, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task The_leader_filters_all_open_tasks_a_page_at_a_time_and_a_teacher_does_not_get_that_filter()
    {
        using var leader = await PageSession.SignInAsync(_s.App, HostApp.Leader);
        var (_, waiting) = await leader.GetAsync("/");
        Assert.Contains("Je hebt geen open taken", waiting); // step 1 waits for the coordinator, not the leader
        Assert.Contains("aria-current=\"page\">Voor mij<", waiting);

        var (_, all) = await leader.GetAsync("/?filter=alle");
        Assert.Contains("aria-current=\"page\">Alle open taken<", all);
        Assert.Contains("2 open taken", WebUtility.HtmlDecode(all));
        Assert.Contains($"/taken/{_task}#toewijzen", all);

        var api = await _s.SendAsync(HostApp.Leader, HttpMethod.Get, "/api/tasks?view=all&pageSize=1&page=2");
        Assert.Equal("2", api.Response.Headers.GetValues("X-Total-Count").Single());
        Assert.Single(api.Json.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await _s.SendAsync(HostApp.Leader, HttpMethod.Get, "/api/tasks?view=alles")).Status);

        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (_, teacherAll) = await teacher.GetAsync("/?filter=alle");
        Assert.DoesNotContain("Alle open taken", teacherAll);
        Assert.Empty((await _s.SendAsync(HostApp.Teacher1, HttpMethod.Get, "/api/tasks?view=all")).Json.AsArray());
    }

    [Fact]
    public async Task Reassigning_on_the_task_page_needs_a_reason_keeps_what_was_typed_and_shows_in_the_dossier()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        using var missing = await coordinator.PostFormAsync($"/taken/{_task}", $"/taken/{_task}?handler=Assign", [new("aan", "role:Leader"), new("reden", "  ")]);
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        var html = WebUtility.HtmlDecode(await missing.Content.ReadAsStringAsync());
        Assert.Contains("Geef een reden waarom de taak naar een ander gaat.", html);
        Assert.Contains("<option value=\"role:Leader\" selected=\"selected\">", html);

        using var done = await coordinator.PostFormAsync($"/taken/{_task}", $"/taken/{_task}?handler=Assign", [new("aan", "role:Leader"), new("reden", "De ouders vragen naar de directie.")]);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var (_, dossier) = await coordinator.GetAsync($"/zaken/{_case}");
        Assert.Contains("is toegewezen aan de rol directie. Reden: De ouders vragen naar de directie.", WebUtility.HtmlDecode(dossier));
        var (_, leaderInbox) = await (await PageSession.SignInAsync(_s.App, HostApp.Leader)).GetAsync("/?filter=rol");
        Assert.Contains($"/taken/{_task}", leaderInbox);
    }
}
