using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.AccessRequest;

/// <summary>
/// An access request (AVG art. 15) for one pupil: a ZIP that opens, with a Dutch HTML page and a JSON file
/// naming the pupil, their parents, their cases, the steps' answers and the emails to their parents, and never
/// the other pupil of the case (nor that pupil's parents), in fields or in text people typed.
/// </summary>
public sealed class AccessExportTests : IAsyncLifetime
{
    private readonly SchoolApp _s = new();
    private Kid _zoe = null!, _bully = null!;
    private string _caseId = "";

    private sealed record Kid(string Id, string FirstName, string LastName, string Name, string ParentEmail, string ParentName);

    public async Task InitializeAsync()
    {
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        _zoe = await KidAsync(pupils.First(p => (string)p["firstName"]! == "Zoë"));
        _bully = await KidAsync(pupils.First(p => (string)p["id"]! != _zoe.Id && (string)p["lastName"]! != _zoe.LastName
            && !_zoe.Name.Contains((string)p["firstName"]!) && !((string)p["name"]!).Contains(_zoe.FirstName)));

        var signal = SchoolApp.Signal((_zoe.Id, "Bullied"), (_bully.Id, "Bully"));
        signal["description"] = $"{_bully.Name} pakte de muts van {_zoe.FirstName} af; {_bully.FirstName} lachte.";
        signal["location"] = $"Bij het hek, waar {_bully.LastName} altijd staat";
        _caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, signal))["id"]!;
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.DiscussWithCoordinator",
            new JsonObject { ["notes"] = $"Besproken; {_bully.FirstName} is eerder gezien, moeder {_bully.ParentName} ({_bully.ParentEmail}) weet ervan." });
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = $"{_bully.Name} doet het herhaald en bewust" });
        await _s.CompleteAsync(HostApp.Teacher1, _caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "pester, meelopers, helpers besproken" });
        var plan = await _s.TaskAsync(HostApp.Coordinator, _caseId, "Pestprotocol.PlanOfApproach");
        var staff = SchoolApp.StaffByName(plan);
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.PlanOfApproach", new JsonObject
        {
            ["informed"] = new JsonArray("ParentsOfBullied", "ParentsOfBully"),
            ["registration"] = "In ESIS onder pestincidenten",
            ["bulliedPupilConversationBy"] = staff["Joost Mulder"],
            ["bullyConversationBy"] = staff["Diana de Wit"],
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        });
        await _s.CompleteAsync(HostApp.Teacher2, _caseId, "Pestprotocol.ConversationWithBulliedPupil", new JsonObject { ["notes"] = $"{_zoe.FirstName} voelt zich veiliger", ["withConfidant"] = false });
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.ConversationWithBully", new JsonObject { ["notes"] = "gesprek gevoerd", ["nadenkvelSigned"] = true });
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<Kid> KidAsync(JsonNode pupil)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        var id = (string)pupil["id"]!;
        var parent = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Guardians.Where(g => g.PupilId == id).FirstAsync();
        return new Kid(id, (string)pupil["firstName"]!, (string)pupil["lastName"]!, (string)pupil["name"]!, parent.Email, parent.Name);
    }

    private static Dictionary<string, string> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open(), Encoding.UTF8);
            return reader.ReadToEnd();
        });
    }

    private static bool Names(string text, string name) =>
        Regex.IsMatch(text, $@"(?<!\p{{L}}){Regex.Escape(name)}(?!\p{{L}})", RegexOptions.IgnoreCase);

    [Fact]
    public async Task The_coordinator_downloads_a_zip_about_the_pupil_that_never_names_the_other_pupil_or_their_parents()
    {
        using var response = await (await _s.As(HostApp.Coordinator)).GetAsync($"/api/pupils/{_zoe.Id}/access-export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var files = Unzip(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["gegevens.json", "inzage.html"], files.Keys.Order());

        foreach (var (name, text) in files)
        {
            Assert.Contains(_zoe.Name, text);
            Assert.Contains(_zoe.ParentEmail, text);
            Assert.Contains("andere leerling", text);
            foreach (var other in new[] { _bully.Name, _bully.FirstName, _bully.LastName, _bully.ParentEmail, _bully.ParentName })
                Assert.False(Names(text, other), $"{name} names '{other}'");
        }

        var html = files["inzage.html"];
        Assert.Contains("<html lang=\"nl\">", html);
        Assert.Contains("Inzageverzoek", html);
        Assert.Contains("Ouders en verzorgers", html);
        Assert.Contains($"{_zoe.FirstName} voelt zich veiliger", html); // a step's answer about her

        var json = JsonNode.Parse(files["gegevens.json"])!;
        Assert.Equal((_zoe.FirstName, _zoe.LastName), ((string?)json["pupil"]!["firstName"], (string?)json["pupil"]!["lastName"]));
        Assert.Equal(_zoe.ParentEmail, (string?)json["parents"]![0]!["email"]);
        var @case = json["cases"]!.AsArray().Single()!;
        Assert.Equal((_caseId, "gepeste"), ((string?)@case["caseId"], (string?)@case["role"]));
        Assert.Equal(("andere leerling", "pester"), ((string?)@case["otherPupils"]![0]!["name"], (string?)@case["otherPupils"]![0]!["role"]));
        Assert.Contains("[andere leerling] pakte de muts van " + _zoe.FirstName, (string?)@case["description"]);
        Assert.NotEmpty(@case["timeline"]!.AsArray());
        Assert.Contains(@case["tasks"]!.AsArray(), t => t!["answers"]!.AsArray().Any(a => ((string?)a!["value"])!.Contains("[andere leerling] doet het herhaald en bewust")));
        var email = Assert.Single(json["emails"]!.AsArray());
        Assert.Equal(_zoe.ParentEmail, (string?)email!["to"]);

        // On the audit trail.
        await using var scope = _s.App.Services.CreateAsyncScope();
        Assert.Single(await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditTrail
            .Where(a => a.Action == AuditActions.PupilExported && a.ResourceId == _zoe.Id).ToListAsync());
    }

    [Fact]
    public async Task Only_the_coordinator_and_the_leader_of_the_pupils_school_get_it_from_the_api_and_the_pupils_page()
    {
        ApiAnswer.AssertProblem(await _s.SendAsync(HostApp.Teacher1, HttpMethod.Get, $"/api/pupils/{_zoe.Id}/access-export"), HttpStatusCode.Forbidden, "her teacher");
        ApiAnswer.AssertProblem(await _s.SendAsync(HostApp.Admin, HttpMethod.Get, $"/api/pupils/{_zoe.Id}/access-export"), HttpStatusCode.Forbidden, "the admin");
        ApiAnswer.AssertProblem(await _s.SendAsync(HostApp.OtherCoordinator, HttpMethod.Get, $"/api/pupils/{_zoe.Id}/access-export"), HttpStatusCode.NotFound, "the other school");
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Leader, HttpMethod.Get, $"/api/pupils/{_zoe.Id}/access-export")).Status);

        using (var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator))
        {
            var (status, page) = await coordinator.GetAsync($"/leerlingen/{_zoe.Id}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains($"href=\"/leerlingen/{_zoe.Id}/inzage.zip\"", page);
            Assert.Contains("Inzageverzoek: alles over deze leerling downloaden", page);
            using var download = await coordinator.SendGetAsync($"/leerlingen/{_zoe.Id}/inzage.zip");
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Contains(_zoe.Name, Unzip(await download.Content.ReadAsByteArrayAsync())["inzage.html"]);
        }
        using (var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1))
        {
            var (_, page) = await teacher.GetAsync($"/leerlingen/{_zoe.Id}");
            Assert.DoesNotContain("inzage.zip", page);
            using var download = await teacher.SendGetAsync($"/leerlingen/{_zoe.Id}/inzage.zip");
            Assert.NotEqual(HttpStatusCode.OK, download.StatusCode);
            Assert.NotEqual("application/zip", download.Content.Headers.ContentType?.MediaType);
        }
        using (var other = await PageSession.SignInAsync(_s.App, HostApp.OtherCoordinator))
        {
            using var download = await other.SendGetAsync($"/leerlingen/{_zoe.Id}/inzage.zip");
            Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        }
    }
}
