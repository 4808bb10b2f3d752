using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Esis;

/// <summary>
/// "Registreren in ESIS door leerkracht": the texts per pupil on the ESIS task, the registration in the dossier,
/// and the cases that wait for it (list filter, API, the coordinator's start page). Bullied rb-033, bully rb-038
/// (both groep 5); step 3 hands the ESIS task to Karin Smit (leerkracht1).
/// </summary>
public sealed partial class EsisRegistrationTests : IAsyncLifetime
{
    private const string Bullied = "rb-033";
    private const string Bully = "rb-038";
    private SchoolApp _s = null!;

    public Task InitializeAsync()
    {
        _s = new SchoolApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<string> NameAsync(string pupilId) =>
        (string)(await _s.PupilsAsync(HostApp.Coordinator)).Single(p => (string)p["id"]! == pupilId)["name"]!;

    private async Task<string> ReportAsync(string? description = null)
    {
        var signal = SchoolApp.Signal((Bullied, "Bullied"), (Bully, "Bully"));
        if (description is not null) signal["description"] = description;
        return (string)(await _s.ReportAsync(HostApp.Teacher1, signal))["id"]!;
    }

    /// <summary>Steps 1 to 3: the plan of approach asks Karin to register the case in ESIS.</summary>
    private async Task UpToEsisAsync(string caseId)
    {
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken met de melder" });
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = "herhaald en bewust" });
        await _s.CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "besproken" });
        var plan = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach");
        var staff = SchoolApp.StaffByName(plan);
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach", new JsonObject
        {
            ["informed"] = new JsonArray("ParentsOfBullied"),
            ["registration"] = "ESIS",
            ["bulliedPupilConversationBy"] = staff["Joost Mulder"],
            ["bullyConversationBy"] = staff["Diana de Wit"],
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        });
    }

    private Task RegisterAsync(string caseId, string reference) =>
        _s.CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.RegisterInEsis", new JsonObject { ["esisReference"] = reference });

    [Fact]
    public async Task Each_pupils_ESIS_text_has_their_own_role_and_the_case_facts_and_never_the_other_pupils_name()
    {
        var (bullied, bully) = (await NameAsync(Bullied), await NameAsync(Bully));
        var bulliedFirst = bullied.Split(' ')[0];
        var caseId = await ReportAsync($"{bully} pakt steeds de pet van {bulliedFirst} af en scheldt hem uit.");
        await UpToEsisAsync(caseId);

        var esis = await _s.TaskAsync(HostApp.Teacher1, caseId, "Pestprotocol.RegisterInEsis");
        var task = await (await _s.As(HostApp.Teacher1)).GetJsonAsync($"/api/tasks/{esis["id"]}");
        var texts = task["pupilSummaries"]!.AsArray().ToDictionary(p => (string)p!["pupilId"]!, p => (string)p!["text"]!);
        Assert.Equal([Bullied, Bully], texts.Keys);

        var forBullied = texts[Bullied];
        Assert.Contains($"Leerling: {bullied} (Groep 5)", forBullied);
        Assert.Contains("Rol in deze pestzaak: gepeste", forBullied);
        Assert.Contains("Ook betrokken: 1 andere leerling (pester)", forBullied);
        Assert.Contains("[andere leerling] pakt steeds de pet van", forBullied);
        Assert.Contains("Schoolplein", forBullied);
        Assert.Contains("gemeld op 24-11-2026", forBullied);
        Assert.Contains("Gedaan:", forBullied);
        Assert.Contains("Pesten", forBullied); // step 2's outcome
        Assert.Contains("Uitkomst tot nu toe: de zaak loopt", forBullied);
        // Demo pupils may share a last name (siblings), so the other pupil's full and first name are what must be absent.
        Assert.DoesNotContain(bully, forBullied);
        Assert.DoesNotContain(bully.Split(' ')[0], forBullied);

        var forBully = texts[Bully];
        Assert.Contains($"Leerling: {bully} (Groep 5)", forBully);
        Assert.Contains("Rol in deze pestzaak: pester", forBully);
        Assert.Contains("Ook betrokken: 1 andere leerling (gepeste)", forBully);
        Assert.Contains($"{bully} pakt steeds de pet van [andere leerling] af", forBully);
        Assert.DoesNotContain(bullied, forBully);
        Assert.DoesNotContain(bulliedFirst, forBully);

        // The case's own text names nobody.
        var caseText = (string)task["summary"]!;
        foreach (var name in new[] { bullied, bully, bulliedFirst, bully.Split(' ')[0] }) Assert.DoesNotContain(name, caseText);

        // The task page shows both texts, each with a copy button (shown by the script) and the script itself.
        using var session = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (status, raw) = await session.GetAsync($"/taken/{esis["id"]}");
        Assert.Equal(HttpStatusCode.OK, status);
        var html = WebUtility.HtmlDecode(raw);
        Assert.Equal(2, CopyButton().Matches(html).Count);
        Assert.Contains($"Kopieer de tekst voor {bully}", html);
        Assert.Contains("/js/copy.js", html);
        Assert.Contains("Rol in deze pestzaak: gepeste", html);
    }

    [GeneratedRegex("<button type=\"button\" class=\"secondary copy-text\" data-copy=\"esis-\\d\" hidden>")]
    private static partial Regex CopyButton();

    [Fact]
    public async Task The_dossier_says_not_yet_then_waiting_then_registered_with_reference_and_date()
    {
        var caseId = await ReportAsync();
        using var session = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        async Task<string> EsisLine() => Regex.Match(WebUtility.HtmlDecode((await session.GetAsync($"/zaken/{caseId}")).Html), "<dd id=\"esis\">([^<]*)</dd>").Groups[1].Value;

        Assert.StartsWith("Nog niet aan de orde", await EsisLine());
        await UpToEsisAsync(caseId);
        Assert.Equal("Wacht op registratie (taak open bij Karin Smit)", await EsisLine());
        await RegisterAsync(caseId, "ESIS-2026-0042");
        Assert.Equal("Geregistreerd op di 24-11-2026 10:00, kenmerk ESIS-2026-0042", await EsisLine());
    }

    [Fact]
    public async Task The_coordinator_sees_only_the_own_schools_cases_whose_ESIS_task_is_not_done()
    {
        var registered = await ReportAsync();
        await UpToEsisAsync(registered);
        await RegisterAsync(registered, "ESIS-1");
        var waiting = await ReportAsync();
        await UpToEsisAsync(waiting);
        var early = await ReportAsync(); // still at step 1: not waiting yet

        var api = await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases?esis=pending");
        Assert.Equal([waiting], api.AsArray().Select(c => (string)c!["id"]!));
        var all = await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases");
        Assert.Equal(3, all.AsArray().Count);
        Assert.Empty((await (await _s.As(HostApp.OtherCoordinator)).GetJsonAsync("/api/cases?esis=pending")).AsArray());
        ApiAnswer.AssertProblem(await _s.SendAsync(HostApp.Coordinator, HttpMethod.Get, "/api/cases?esis=maybe"), HttpStatusCode.BadRequest, "esis=maybe");

        using var session = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, list) = await session.GetAsync("/zaken?esis=wacht");
        Assert.Equal([waiting], CaseRow().Matches(list).Select(m => m.Groups[1].Value));
        Assert.DoesNotContain(early, list);
        var (_, start) = await session.GetAsync("/");
        Assert.Contains("1 zaak wacht op registratie in ESIS", WebUtility.HtmlDecode(start));
        Assert.Contains("href=\"/zaken?esis=wacht\"", start);

        await RegisterAsync(waiting, "ESIS-2");
        Assert.Empty((await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases?esis=pending")).AsArray());
        var (_, after) = await session.GetAsync("/");
        Assert.Contains("Geen zaak wacht op registratie in ESIS.", WebUtility.HtmlDecode(after));
    }

    [GeneratedRegex("<li data-case=\"([0-9a-f]+)\"")]
    private static partial Regex CaseRow();
}
