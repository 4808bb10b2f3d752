using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>The staff pages over real HTTP (cookie, anti-forgery, forms), on Tuesday 24 November 2026, 10:00 in Amsterdam.</summary>
public sealed class StaffPagesTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _pupil = "";

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        _pupil = (string)(await _s.PupilsAsync(HostApp.Teacher1))[3]["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static KeyValuePair<string, string>[] ReportForm(string token, string pupilId) =>
    [
        new("FormToken", token), new("Pupils[0].PupilId", pupilId), new("Pupils[0].Role", "Bullied"),
        new("Description", "Wordt uitgescholden."), new("ObservedAt", "2026-11-24T09:30"), new("Location", "Gang"), new("BoundaryCrossed", "ja"),
    ];

    [Fact]
    public async Task Sending_the_same_report_form_twice_starts_one_case_and_says_step_1_is_due_today_before_five()
    {
        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (_, form) = await teacher.GetAsync("/melden");
        var formToken = PageSession.InputValue(form, "FormToken")!;
        var antiforgery = PageSession.Token(form);

        // A double click: the same form, twice at once, then once more (a refresh).
        var twice = await Task.WhenAll(
            teacher.PostFormWithTokenAsync("/melden?handler=Report", antiforgery, ReportForm(formToken, _pupil)),
            teacher.PostFormWithTokenAsync("/melden?handler=Report", antiforgery, ReportForm(formToken, _pupil)));
        using var again = await teacher.PostFormWithTokenAsync("/melden?handler=Report", antiforgery, ReportForm(formToken, _pupil));
        var locations = twice.Append(again).Select(r => r.Headers.Location?.OriginalString).ToList();
        Assert.All(twice.Append(again), r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Single(locations.Distinct());
        Assert.StartsWith("/melden/gemeld/", locations[0]);

        var cases = (await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases")).AsArray();
        Assert.Single(cases);

        var (status, confirmation) = await teacher.GetAsync(locations[0]!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("De anti-pestcoördinator is op de hoogte; stap 1 moet\n            vandaag vóór 17:00 gebeuren.", WebUtility.HtmlDecode(confirmation).Replace("\r", ""));

        // A new form (a new token) is a new signal.
        using var second = await teacher.PostFormAsync("/melden", "/melden?handler=Report", ReportForm(Guid.NewGuid().ToString("N"), _pupil));
        Assert.NotEqual(locations[0], second.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_pupil_named_like_a_script_shows_as_text_on_the_report_form_the_inbox_and_the_task()
    {
        using (var scope = _s.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var group = await db.Groups.FirstAsync(g => g.SchoolId == "regenboog");
            db.Pupils.Add(new Pupil { Id = "rb-xss", SchoolId = "regenboog", GroupId = group.Id, FirstName = "<script>alert(1)</script>", LastName = "\"><img src=x>" });
            await db.SaveChangesAsync();
        }
        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        using var found = await teacher.PostFormAsync("/melden", "/melden", [new("Search", "script")]);
        var list = await found.Content.ReadAsStringAsync();
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", list);
        Assert.DoesNotContain("<script>alert", list);
        Assert.DoesNotContain("<img src=x>", list);

        using var reported = await teacher.PostFormAsync("/melden", "/melden?handler=Report", ReportForm(Guid.NewGuid().ToString("N"), "rb-xss"));
        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, inbox) = await coordinator.GetAsync("/");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", inbox);
        Assert.DoesNotContain("<script>alert", inbox);
        var taskId = (string)(await _s.TaskAsync(HostApp.Coordinator, reported.Headers.Location!.OriginalString.Split('/').Last(), "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        var (_, task) = await coordinator.GetAsync($"/taken/{taskId}");
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", task);
        Assert.DoesNotContain("<script>alert", task);
        Assert.DoesNotContain("<img src=x>", task);
    }

    [Fact]
    public async Task A_task_and_a_confirmation_of_another_school_or_of_a_case_without_part_are_not_found()
    {
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupil, "Bullied"))))["id"]!;
        var taskId = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        foreach (var stranger in new[] { HostApp.OtherCoordinator, HostApp.OtherTeacher, HostApp.Teacher2 })
        {
            using var session = await PageSession.SignInAsync(_s.App, stranger);
            foreach (var url in new[] { $"/taken/{taskId}", $"/melden/gemeld/{caseId}" })
            {
                var (status, html) = await session.GetAsync(url);
                Assert.True(status == HttpStatusCode.NotFound, $"{stranger} GET {url}: {(int)status}");
                Assert.Contains("Niet gevonden", html);
                Assert.DoesNotContain("uitgescholden", html, StringComparison.OrdinalIgnoreCase);
            }
            using var post = await session.PostFormAsync("/", $"/taken/{taskId}", [new("outcome", "Done"), new("veld.notes", "ik was het niet")]);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }
        Assert.Equal("Open", (string?)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["status"]);

        // The reporter may look at the task of her case, but not complete it.
        using var reporter = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (own, ownHtml) = await reporter.GetAsync($"/taken/{taskId}");
        Assert.Equal(HttpStatusCode.OK, own);
        Assert.Contains("Deze taak is niet voor jou", ownHtml);
        Assert.DoesNotContain("name=\"outcome\"", ownHtml);
    }

    [Fact]
    public async Task A_task_someone_else_just_completed_says_so_and_keeps_what_was_typed()
    {
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupil, "Bullied"))))["id"]!;
        var taskId = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, form) = await coordinator.GetAsync($"/taken/{taskId}");
        Assert.Contains("Verslag van het gesprek", form);

        // Meanwhile the task is completed elsewhere (here: the API, as the same coordinator on another device).
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new() { ["notes"] = "Al besproken." });

        using var late = await coordinator.PostFormWithTokenAsync($"/taken/{taskId}", PageSession.Token(form), [new("outcome", "Done"), new("veld.notes", "Mijn eigen verslag.")]);
        var html = await late.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Contains("Deze taak is al afgerond. Wat je nu invulde is niet opgeslagen", WebUtility.HtmlDecode(html));
        Assert.Contains("Mijn eigen verslag.", html);
        Assert.Contains("Stap 2", html); // the next step, where the case is now
    }

    [Fact]
    public async Task The_inbox_shows_the_coordinators_open_task_due_today_and_she_can_claim_and_release_it()
    {
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupil, "Bullied"))))["id"]!;
        var taskId = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (status, inbox) = await coordinator.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"class=\"task today\" data-task=\"{taskId}\"", inbox);
        Assert.Contains("klaar vandaag vóór 17:00", WebUtility.HtmlDecode(inbox));
        Assert.Contains("<span class=\"count\" aria-label=\"1 open taken\">1</span>", inbox);

        using var claimed = await coordinator.PostFormAsync("/", "/?handler=Claim", [new("id", taskId)]);
        Assert.Equal(HttpStatusCode.Redirect, claimed.StatusCode);
        var task = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator");
        Assert.Equal("Diana de Wit", (string?)task["assignee"]!["name"]);
        (_, inbox) = await coordinator.GetAsync("/");
        Assert.Contains("Aan jou toegewezen", inbox);
        Assert.Contains("Je hebt de taak opgepakt.", inbox);

        using var released = await coordinator.PostFormAsync("/", "/?handler=Release", [new("id", taskId)]);
        Assert.Null((await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["assignee"]);

        // Past five the task is late, and shows so.
        _s.App.Clock.Advance(TimeSpan.FromHours(8));
        (_, inbox) = await coordinator.GetAsync("/");
        Assert.Contains($"class=\"task overdue\" data-task=\"{taskId}\"", inbox);
        Assert.Contains("Te laat:", inbox);
    }

    [Fact]
    public async Task The_plan_of_approach_form_offers_the_schools_staff_keeps_choices_on_an_error_and_hands_step_4_to_the_chosen_teacher()
    {
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupil, "Bullied"))))["id"]!;
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new() { ["notes"] = "besproken" });
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying", new() { ["outcome"] = "Bullying", ["reasoning"] = "herhaald en bewust" });
        await _s.CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.DiscussInGroup", new() { ["held"] = true, ["rolesInGroup"] = "besproken" });
        var plan = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach");
        var planId = (string)plan["id"]!;
        var staff = SchoolApp.StaffByName(plan);

        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, form) = await coordinator.GetAsync($"/taken/{planId}");
        Assert.Contains("<select id=\"veld-bulliedPupilConversationBy\" name=\"veld.bulliedPupilConversationBy\"", form);
        Assert.Contains($"<option value=\"{staff["Joost Mulder"]}\">Joost Mulder</option>", form);
        Assert.DoesNotContain("Sanne Visser", form); // De Vlinder's teacher is no option
        Assert.Contains("<input type=\"checkbox\" name=\"veld.informed\" value=\"ParentsOfBullied\"", form);
        Assert.Contains("Eerdere stappen", form);
        Assert.Contains("herhaald en bewust", form); // step 2's reasoning, beside the form

        using var incomplete = await coordinator.PostFormWithTokenAsync($"/taken/{planId}", PageSession.Token(form),
            [new("outcome", "Done"), new("veld.informed", "ParentsOfBullied"), new("veld.informed", "Leader"), new("veld.bulliedPupilConversationBy", staff["Joost Mulder"])]);
        var html = WebUtility.HtmlDecode(await incomplete.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, incomplete.StatusCode);
        Assert.Contains("'Hoe administreren we dit' is verplicht.", html);
        Assert.Contains("'Gesprek met de pester (stap 5) door' is verplicht.", html);
        Assert.Contains("value=\"ParentsOfBullied\" checked=\"checked\"", html);
        Assert.Contains("value=\"Leader\" checked=\"checked\"", html);
        Assert.DoesNotContain("value=\"Confidant\" checked", html);
        Assert.Contains($"<option value=\"{staff["Joost Mulder"]}\" selected=\"selected\">Joost Mulder</option>", html);

        using var complete = await coordinator.PostFormWithTokenAsync($"/taken/{planId}", PageSession.Token(form),
        [
            new("outcome", "Done"), new("veld.informed", "ParentsOfBullied"), new("veld.registration", "In ESIS"),
            new("veld.bulliedPupilConversationBy", staff["Joost Mulder"]), new("veld.bullyConversationBy", staff["Diana de Wit"]),
            new("veld.bullyParentsConversationBy", staff["Marieke Bos"]), new("veld.esisRegistrationBy", staff["Karin Smit"]),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, complete.StatusCode);
        var (_, done) = await coordinator.GetAsync(complete.Headers.Location!.OriginalString);
        done = WebUtility.HtmlDecode(done);
        Assert.Contains("<strong>Deze taak is afgerond</strong> door Diana de Wit", done);
        Assert.Contains("Je hebt de taak afgerond.", done);
        Assert.Contains("Volgende stap:", done);
        Assert.Contains("Joost Mulder", done);

        using var joost = await PageSession.SignInAsync(_s.App, HostApp.Teacher2);
        var (_, inbox) = await joost.GetAsync("/");
        Assert.Contains("Stap 4", inbox);
        Assert.Contains("Aan jou toegewezen", inbox);
    }

    [Fact]
    public async Task A_form_without_the_anti_forgery_token_is_refused()
    {
        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        using var forged = await teacher.PostFormWithTokenAsync("/melden?handler=Report", "vervalst", ReportForm(Guid.NewGuid().ToString("N"), _pupil));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty((await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases")).AsArray());
    }
}
