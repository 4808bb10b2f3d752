using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Access;

/// <summary>The access rules in one place (Access/AccessRules): lists and single resources agree, and the
/// disagreements between the three earlier copies are settled.</summary>
public sealed class AccessRulesTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _caseByTeacher1 = "", _caseByTeacher2 = "", _step1OfTeacher1 = "", _vlinderCase = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        _caseByTeacher1 = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[3]["id"]!, "Bullied"))))["id"]!;
        _caseByTeacher2 = (string)(await _s.ReportAsync(HostApp.Teacher2, SchoolApp.Signal(((string)pupils[4]["id"]!, "Bully"))))["id"]!;
        _step1OfTeacher1 = (string)(await _s.TaskAsync(HostApp.Coordinator, _caseByTeacher1, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        var vlinderPupil = (string)(await _s.PupilsAsync(HostApp.OtherTeacher))[0]["id"]!;
        _vlinderCase = (string)(await _s.ReportAsync(HostApp.OtherTeacher, SchoolApp.Signal((vlinderPupil, "Bully"))))["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task The_list_filters_and_the_rule_for_one_case_or_task_give_the_same_answer_for_every_person()
    {
        // Parts of every kind: a reporter, a task handed to a person, a task handed to a role, a completed task.
        var teacher2Id = await UserIdAsync(HostApp.Teacher2);
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/assign",
            new JsonObject { ["userId"] = teacher2Id, ["reason"] = "Kent de klas goed." })).Status);
        var step1OfTeacher2 = (string)(await _s.TaskAsync(HostApp.Coordinator, _caseByTeacher2, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{step1OfTeacher2}/assign",
            new JsonObject { ["role"] = "Teacher", ["reason"] = "Eerst de leerkrachten." })).Status);

        await using var scope = _s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var access = scope.ServiceProvider.GetRequiredService<StaffAccess>();
        var cases = await db.Cases.AsNoTracking().ToListAsync();
        var tasks = await db.Tasks.AsNoTracking().ToListAsync();
        var checkedPairs = 0;
        foreach (var userId in await db.Users.Select(u => u.Id).ToListAsync())
        {
            var staff = (await StaffAccessor.LoadAsync(db, userId, null, CancellationToken.None))!;
            var listedCases = (await access.Cases(staff).Select(c => c.Id).ToListAsync()).ToHashSet();
            foreach (var c in cases)
            {
                Assert.True(listedCases.Contains(c.Id) == await access.MaySeeCaseAsync(staff, c, CancellationToken.None), $"SeeCase of {c.Id} for {staff.DisplayName}");
                checkedPairs++;
            }
            var listedTasks = (await access.ActableTasks(staff).Select(t => t.Id).ToListAsync()).ToHashSet();
            var waiting = (await access.WaitingFor(staff).Select(t => t.Id).ToListAsync()).ToHashSet();
            foreach (var t in tasks)
            {
                Assert.True(listedTasks.Contains(t.Id) == AccessRules.MayActOn(staff, t), $"ActOnTask of {t.Title} for {staff.DisplayName}");
                // What waits for someone is something they may act on.
                Assert.True(!waiting.Contains(t.Id) || AccessRules.MayActOn(staff, t), $"waiting {t.Title} for {staff.DisplayName}");
                checkedPairs++;
            }
        }
        Assert.True(checkedPairs > 30, $"only {checkedPairs} combinations checked");

        // The hand-over gave teacher 2 sight of teacher 1's case; the task offered to all teachers gives none.
        var teacher2 = (await StaffAccessor.LoadAsync(db, teacher2Id, null, CancellationToken.None))!;
        Assert.Contains(_caseByTeacher1, await access.Cases(teacher2).Select(c => c.Id).ToListAsync());
        var teacher1 = (await StaffAccessor.LoadAsync(db, await UserIdAsync(HostApp.Teacher1), null, CancellationToken.None))!;
        Assert.DoesNotContain(_caseByTeacher2, await access.Cases(teacher1).Select(c => c.Id).ToListAsync());
        Assert.Contains(step1OfTeacher2, await access.WaitingFor(teacher1).Select(t => t.Id).ToListAsync());
    }

    [Fact]
    public async Task A_teacher_without_a_part_guessing_a_task_id_finds_nothing_there_not_a_forbidden()
    {
        // Before: claiming answered 403 "niet voor jouw rol", which told the guesser the task exists.
        foreach (var (method, url) in new[] { (HttpMethod.Get, $"/api/tasks/{_step1OfTeacher1}"), (HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/claim"), (HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/release") })
            Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(HostApp.Teacher2, method, url)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(HostApp.Teacher2, HttpMethod.Get, $"/api/cases/{_caseByTeacher1}")).Status);
        using var page = await PageSession.SignInAsync(_s.App, HostApp.Teacher2);
        Assert.Equal(HttpStatusCode.NotFound, (await page.GetAsync($"/taken/{_step1OfTeacher1}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await page.GetAsync($"/zaken/{_caseByTeacher1}")).Status);
        // The reporter sees the task on their case, but may not claim the coordinator's task: that one is forbidden.
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Teacher1, HttpMethod.Get, $"/api/tasks/{_step1OfTeacher1}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _s.SendAsync(HostApp.Teacher1, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/claim")).Status);
    }

    [Fact]
    public async Task Another_schools_case_and_task_are_not_found_on_the_pages_either()
    {
        var vlinderTask = (string)(await _s.TaskAsync(HostApp.OtherCoordinator, _vlinderCase, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        using var page = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await page.GetAsync($"/zaken/{_vlinderCase}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await page.GetAsync($"/taken/{vlinderTask}")).Status);
        using var assign = await page.PostFormAsync($"/taken/{_step1OfTeacher1}", $"/taken/{vlinderTask}?handler=Assign", [new("aan", "role:Teacher"), new("reden", "x")]);
        Assert.Equal(HttpStatusCode.NotFound, assign.StatusCode);
    }

    [Fact]
    public async Task Only_the_coordinator_and_the_leader_hand_tasks_out_not_the_admin()
    {
        // Before: Staff.MayAssignTasks let the admin assign, while the answer said only coordinator and leader may.
        var answer = await _s.SendAsync(HostApp.Admin, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/assign", new JsonObject { ["role"] = "Leader", ["reason"] = "Vakantie." });
        ApiAnswer.AssertProblem(answer, HttpStatusCode.Forbidden, "Alleen de anti-pestcoördinator en de directie");
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Leader, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/assign", new JsonObject { ["role"] = "Leader", ["reason"] = "Vakantie." })).Status);
    }

    [Fact]
    public async Task A_colleagues_task_is_not_released_behind_their_back_it_is_reassigned_with_a_reason()
    {
        var teacher1Id = await UserIdAsync(HostApp.Teacher1);
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/assign", new JsonObject { ["userId"] = teacher1Id, ["reason"] = "Zij was erbij." })).Status);
        // Before: the coordinator could release it (no reason, no line in the timeline).
        var released = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/release");
        ApiAnswer.AssertProblem(released, HttpStatusCode.Forbidden, "Je kunt alleen je eigen taken teruggeven");
    }

    [Fact]
    public async Task Reassigning_without_a_reason_is_refused_in_Dutch_and_with_one_it_shows_in_history_and_timeline()
    {
        var missing = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/assign", new JsonObject { ["role"] = "Leader" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("application/problem+json", missing.MediaType);
        Assert.Equal("Geef een reden waarom de taak naar een ander gaat.", (string?)missing.Json["errors"]!["reason"]![0]);

        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{_step1OfTeacher1}/assign", new JsonObject { ["role"] = "Leader", ["reason"] = "De ouders willen de directie spreken." })).Status);
        var task = (await _s.SendAsync(HostApp.Leader, HttpMethod.Get, $"/api/tasks/{_step1OfTeacher1}")).Json;
        Assert.Contains(task["history"]!.AsArray(), h => (string?)h!["action"] == "Assigned" && ((string?)h["detail"])!.EndsWith("De ouders willen de directie spreken."));
        var @case = await _s.CaseAsync(HostApp.Teacher1, _caseByTeacher1);
        Assert.Contains(@case["timeline"]!.AsArray(), t => (string?)t!["text"] == "'Stap 1: signalen bespreken met de anti-pestcoördinator' is toegewezen aan de rol directie. Reden: De ouders willen de directie spreken. Marieke Bos is per e-mail op de hoogte gebracht.");
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
