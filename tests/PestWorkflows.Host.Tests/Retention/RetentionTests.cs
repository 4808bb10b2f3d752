using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Retention;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Retention;

/// <summary>
/// The retention period: a closed case's personal data is removed everywhere (every text column of the
/// database file and the documents folder) once the school's period after closing has passed, and not a day
/// earlier; what the annual report counts stays; open cases and other schools' cases keep theirs.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private readonly SchoolApp _s = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private sealed record Kid(string Id, string FirstName, string LastName, string Name, string ParentEmail);

    private async Task<Kid> KidAsync(JsonNode pupil)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        var id = (string)pupil["id"]!;
        var email = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Guardians.Where(g => g.PupilId == id).Select(g => g.Email).FirstAsync();
        return new Kid(id, (string)pupil["firstName"]!, (string)pupil["lastName"]!, (string)pupil["name"]!, email);
    }

    private async Task<int> RunRetentionAsync()
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CaseRetention>().AnonymiseExpiredAsync(CancellationToken.None);
    }

    private async Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> read)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Every table and text column (as a whole word: "Sam" is not in "Samen") of the database file where one of the needles occurs (the
    /// school's administration of pupils and parents left out: the pupil is still at school).</summary>
    private List<string> FindInDatabase(IEnumerable<string> needles)
    {
        var found = new List<string>();
        using var connection = new SqliteConnection($"Data Source={_s.App.Database.FilePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables.Where(t => t is not ("pupils" or "guardians")))
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? null : reader.GetValue(i) switch { string s => s, byte[] b => Encoding.UTF8.GetString(b), _ => null };
                    if (value is null) continue;
                    foreach (var needle in needles)
                        if (System.Text.RegularExpressions.Regex.IsMatch(value, $@"(?<!\p{{L}}){System.Text.RegularExpressions.Regex.Escape(needle)}(?!\p{{L}})", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
                            found.Add($"{table}.{reader.GetName(i)}: {needle}");
                }
        }
        return found.Distinct().ToList();
    }

    private async Task<string> UploadAsync(string caseId, string fileName, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        using var response = await (await _s.As(HostApp.Coordinator)).PostAsync($"/api/cases/{caseId}/documents", form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return (string)JsonNode.Parse(text)!["id"]!;
    }

    /// <summary>Walks a reported case of De Regenboog through steps 1–5 with the signed nadenkvel uploaded at step 5,
    /// and closes it after the monitoring: the behaviour stopped, both families emailed.</summary>
    private async Task CloseAfterMonitoringAsync(string caseId, string nadenkvelName, byte[] nadenkvel)
    {
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken met de melder" });
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = "herhaald en bewust" });
        await _s.CompleteAsync(HostApp.Teacher1, caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "pester, meelopers, helpers besproken" });
        var plan = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach");
        var staff = SchoolApp.StaffByName(plan);
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanOfApproach", new JsonObject
        {
            ["informed"] = new JsonArray("ParentsOfBullied", "ParentsOfBully"),
            ["registration"] = "In ESIS onder pestincidenten",
            ["bulliedPupilConversationBy"] = staff["Joost Mulder"],
            ["bullyConversationBy"] = staff["Diana de Wit"],
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        });
        await _s.CompleteAsync(HostApp.Teacher2, caseId, "Pestprotocol.ConversationWithBulliedPupil", new JsonObject { ["notes"] = "gesprek gevoerd", ["withConfidant"] = false });
        var documentId = await UploadAsync(caseId, nadenkvelName, nadenkvel);
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.ConversationWithBully", new JsonObject { ["notes"] = "gesprek gevoerd", ["nadenkvelSigned"] = true, ["nadenkvel"] = documentId });
        _s.App.Clock.Advance(TimeSpan.FromDays(14));
        await _s.RunTimersAsync();
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Stopped", ["observations"] = "het gedrag is gestopt sinds de fietsenstalling-afspraak" });
    }

    [Fact]
    public async Task A_closed_case_loses_every_personal_detail_two_years_and_a_day_after_closing_not_a_day_earlier_and_keeps_what_the_annual_report_counts()
    {
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        var zoe = await KidAsync(pupils.First(p => (string)p["firstName"]! == "Zoë"));
        var bully = await KidAsync(pupils.First(p => (string)p["id"]! != zoe.Id && (string)p["lastName"]! != zoe.LastName && !zoe.Name.Contains((string)p["firstName"]!)));
        var others = pupils.Where(p => (string)p["id"]! != zoe.Id && (string)p["id"]! != bully.Id
            && !((string)p["name"]!).Contains(zoe.FirstName) && !((string)p["name"]!).Contains(bully.FirstName)
            && !((string)p["name"]!).Contains(zoe.LastName) && !((string)p["name"]!).Contains(bully.LastName)).Take(2).ToList();
        var needles = new[]
        {
            zoe.Name, zoe.FirstName, bully.Name, bully.FirstName, zoe.ParentEmail, bully.ParentEmail,
            "Fietsenstalling achter de gymzaal", "pakte haar muts af", "herhaald en bewust", "besproken met de melder", "fietsenstalling-afspraak",
            "nadenkvel-zoe-inhoud",
        };
        Assert.Empty(FindInDatabase(needles)); // the needles are this case's only

        var signal = SchoolApp.Signal((zoe.Id, "Bullied"), (bully.Id, "Bully"));
        signal["description"] = $"{bully.Name} pakte haar muts af en {zoe.FirstName} moest huilen.";
        signal["location"] = "Fietsenstalling achter de gymzaal";
        var caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, signal))["id"]!;
        await CloseAfterMonitoringAsync(caseId, $"nadenkvel {zoe.Name}.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "IHDR nadenkvel-zoe-inhoud"u8]);
        var documentId = await DbAsync(db => db.Documents.Where(d => d.CaseId == caseId).Select(d => d.Id).SingleAsync());
        var open = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)others[0]["id"]!, "Bullied"), ((string)others[1]["id"]!, "Bully"))))["id"]!;

        var closed = await DbAsync(db => db.Cases.Include(c => c.Pupils).AsNoTracking().FirstAsync(c => c.Id == caseId));
        Assert.Equal(CaseStatus.Closed, closed.Status);
        var closedAt = closed.ClosedAt!.Value;
        var tasksBefore = await DbAsync(db => db.Tasks.AsNoTracking().Where(t => t.CaseId == caseId).OrderBy(t => t.CreatedAt).Select(t => new { t.Step, t.DueAt, t.CompletedAt, t.Outcome }).ToListAsync());
        var groupsBefore = closed.Pupils.OrderBy(p => p.Role).Select(p => (p.Role, p.GroupId)).ToList();
        Assert.All(groupsBefore, g => Assert.False(string.IsNullOrEmpty(g.GroupId)));
        Assert.NotEmpty(await DbAsync(db => db.Emails.Where(e => e.CaseId == caseId).ToListAsync()));
        var documents = _s.App.Services.GetRequiredService<DocumentFiles>();
        Assert.True(File.Exists(documents.PathOf(documentId)));
        Assert.Contains(needles, n => FindInDatabase(needles).Any(f => f.EndsWith(": " + n)));

        // The jaarevaluatie of the case's year, as the coordinator reads it, before anything is anonymised.
        var reportUrl = $"/api/reports/annual?schoolYear={PestWorkflows.Host.Shared.SchoolYear.Of(closed.ReportedAt)}";
        var reportBefore = (await (await _s.As(HostApp.Coordinator)).GetJsonAsync(reportUrl))["current"]!.ToJsonString();
        Assert.Contains("\"perGroup\":[{", reportBefore);

        // Two years minus a day after closing: everything is still there.
        _s.App.Clock.Advance(closedAt.AddYears(2).AddDays(-1) - _s.App.Clock.GetUtcNow());
        Assert.Equal(0, await RunRetentionAsync());
        var dossier = await _s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Contains(zoe.FirstName, dossier.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.True(File.Exists(documents.PathOf(documentId)));

        // Two years and a day: nothing of the people in it remains, anywhere.
        _s.App.Clock.Advance(TimeSpan.FromDays(2));
        var anonymised = await RunRetentionAsync();
        Assert.True(anonymised == 1, string.Join("\n", _s.App.Log.Entries.Where(e => e.Category.Contains("Retention")).Select(e => e.Message)));
        Assert.Equal([], FindInDatabase(needles));
        Assert.False(File.Exists(documents.PathOf(documentId)));
        Assert.DoesNotContain(Directory.EnumerateFiles(documents.Folder), f => File.ReadAllText(f).Contains("nadenkvel-zoe-inhoud"));

        // What the annual report counts stays.
        var after = await DbAsync(db => db.Cases.Include(c => c.Pupils).Include(c => c.Timeline).AsNoTracking().FirstAsync(c => c.Id == caseId));
        Assert.Equal((closed.Outcome, closed.EndedAtStep, closed.ReportedAt, closed.ClosedAt, closed.EsisRegisteredAt, CaseStatus.Closed),
            (after.Outcome, after.EndedAtStep, after.ReportedAt, after.ClosedAt, after.EsisRegisteredAt, after.Status));
        Assert.NotNull(after.Outcome);
        Assert.Equal(_s.App.Clock.GetUtcNow(), after.AnonymisedAt);
        Assert.Equal(groupsBefore, after.Pupils.OrderBy(p => p.Role).Select(p => (p.Role, p.GroupId)).ToList());
        Assert.Equal(reportBefore, (await (await _s.As(HostApp.Coordinator)).GetJsonAsync(reportUrl))["current"]!.ToJsonString());
        Assert.All(after.Pupils, p => Assert.Equal("", p.PupilId));
        Assert.All(after.Timeline, t => Assert.Equal(CaseRetention.AnonymisedText, t.Text));
        Assert.Equal(tasksBefore, await DbAsync(db => db.Tasks.AsNoTracking().Where(t => t.CaseId == caseId).OrderBy(t => t.CreatedAt).Select(t => new { t.Step, t.DueAt, t.CompletedAt, t.Outcome }).ToListAsync()));
        Assert.Empty(await DbAsync(db => db.Documents.Where(d => d.CaseId == caseId).ToListAsync()));
        Assert.All(await DbAsync(db => db.Emails.Where(e => e.CaseId == caseId).ToListAsync()), e => Assert.Equal(("", ""), (e.To, e.TextBody)));

        // On the audit trail, by the system.
        var line = Assert.Single(await DbAsync(db => db.AuditTrail.Where(a => a.CaseId == caseId && a.Action == AuditActions.CaseAnonymised).ToListAsync()));
        Assert.Equal(AuditTrail.SystemActor, line.UserId);

        // The open case keeps everything; a second pass changes nothing.
        var stillOpen = await DbAsync(db => db.Cases.Include(c => c.Pupils).AsNoTracking().FirstAsync(c => c.Id == open));
        Assert.Equal((CaseStatus.Open, (DateTimeOffset?)null, SchoolApp.Signal()["description"]!.ToString()), (stillOpen.Status, stillOpen.AnonymisedAt, stillOpen.Description));
        Assert.All(stillOpen.Pupils, p => Assert.NotEqual("", p.PupilId));
        Assert.Equal(0, await RunRetentionAsync());
        Assert.Single(await DbAsync(db => db.AuditTrail.Where(a => a.CaseId == caseId && a.Action == AuditActions.CaseAnonymised).ToListAsync()));

        // An email of the anonymised case that had failed is not sent again (there is no address or text left to send).
        var failedId = await DbAsync(async db =>
        {
            var email = await db.Emails.FirstAsync(e => e.CaseId == caseId);
            email.Status = Host.Email.EmailStatus.Failed;
            await db.SaveChangesAsync();
            return email.Id;
        });
        using (var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator))
        {
            using var resend = await coordinator.PostFormAsync($"/zaken/{caseId}/emails/{failedId}", $"/zaken/{caseId}/emails/{failedId}", [new("Address", "")]);
            Assert.Equal(HttpStatusCode.Conflict, resend.StatusCode);
            Assert.Contains("verwijderd na de bewaartermijn", await resend.Content.ReadAsStringAsync());
        }

        // The dossier of the anonymised case still opens, without names.
        var anonymous = (await _s.CaseAsync(HostApp.Coordinator, caseId)).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.DoesNotContain(zoe.FirstName, anonymous);
    }

    /// <summary>Closes a case quickly: step 2 decides it is no bullying.</summary>
    private async Task<string> ReportAndCloseAsync(string teacher, string coordinator)
    {
        var pupil = (await _s.PupilsAsync(teacher))[0];
        var caseId = (string)(await _s.ReportAsync(teacher, SchoolApp.Signal(((string)pupil["id"]!, "Bullied"))))["id"]!;
        await _s.CompleteAsync(coordinator, caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken" });
        await _s.CompleteAsync(coordinator, caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "NotBullying", ["reasoning"] = "een ruzie" });
        var closed = await DbAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId));
        Assert.Equal(CaseStatus.Closed, closed.Status);
        return caseId;
    }

    [Fact]
    public async Task A_school_admin_sets_the_period_from_1_to_10_years_and_it_applies_to_that_schools_cases_only()
    {
        var admin = await _s.As(HostApp.Admin);
        Assert.Equal(2, (int)(await admin.GetJsonAsync("/api/school/retention"))["years"]!);
        foreach (var wrong in new JsonNode?[] { 0, 11, null })
        {
            var refused = await _s.SendAsync(HostApp.Admin, HttpMethod.Put, "/api/school/retention", new JsonObject { ["years"] = wrong });
            ApiAnswer.AssertProblem(refused, HttpStatusCode.BadRequest, $"years {wrong}");
            Assert.Contains("1 tot en met 10 jaar", refused.Text);
        }
        ApiAnswer.AssertProblem(await _s.SendAsync(HostApp.Coordinator, HttpMethod.Put, "/api/school/retention", new JsonObject { ["years"] = 1 }), HttpStatusCode.Forbidden, "coordinator");
        var set = await _s.SendAsync(HostApp.Admin, HttpMethod.Put, "/api/school/retention", new JsonObject { ["years"] = 1 });
        Assert.Equal(HttpStatusCode.OK, set.Status);

        var regenboog = await ReportAndCloseAsync(HostApp.Teacher1, HostApp.Coordinator);
        var vlinder = await ReportAndCloseAsync(HostApp.OtherTeacher, HostApp.OtherCoordinator);
        _s.App.Clock.Advance(TimeSpan.FromDays(366 + 1));
        Assert.Equal(1, await RunRetentionAsync());
        Assert.NotNull((await DbAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == regenboog))).AnonymisedAt);
        var other = await DbAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == vlinder));
        Assert.Null(other.AnonymisedAt);
        Assert.NotEqual("", other.Description);

        // De Vlinder keeps the default of two years.
        _s.App.Clock.Advance(TimeSpan.FromDays(366));
        Assert.Equal(1, await RunRetentionAsync());
        Assert.NotNull((await DbAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == vlinder))).AnonymisedAt);
    }

    [Fact]
    public async Task The_admin_sets_the_period_on_the_settings_page_and_a_wrong_number_is_named_not_saved()
    {
        using var admin = await PageSession.SignInAsync(_s.App, HostApp.Admin);
        var (status, page) = await admin.GetAsync("/instellingen/bewaartermijn");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2", PageSession.InputValue(page, "Years"));

        using (var wrong = await admin.PostFormAsync("/instellingen/bewaartermijn", "/instellingen/bewaartermijn", [new("Years", "11")]))
            Assert.Contains("Kies een bewaartermijn van 1 tot en met 10 jaar.", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(2, await DbAsync(db => db.Schools.Where(x => x.Id == "regenboog").Select(x => x.RetentionYears).SingleAsync()));

        using (var saved = await admin.PostFormAsync("/instellingen/bewaartermijn", "/instellingen/bewaartermijn", [new("Years", "5")]))
            Assert.Contains("De bewaartermijn is opgeslagen: 5 jaar.", await saved.Content.ReadAsStringAsync());
        Assert.Equal(5, await DbAsync(db => db.Schools.Where(x => x.Id == "regenboog").Select(x => x.RetentionYears).SingleAsync()));
        Assert.Equal(2, await DbAsync(db => db.Schools.Where(x => x.Id == "vlinder").Select(x => x.RetentionYears).SingleAsync()));

        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        Assert.NotEqual(HttpStatusCode.OK, (await coordinator.GetAsync("/instellingen/bewaartermijn")).Status);
    }

    [Fact]
    public async Task A_pass_that_stopped_after_the_engines_part_is_finished_by_the_next_pass_once()
    {
        var caseId = await ReportAndCloseAsync(HostApp.Teacher1, HostApp.Coordinator);
        var closed = await DbAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId));
        _s.App.Clock.Advance(TimeSpan.FromDays(2 * 366 + 1));

        // The host stopped right after the engine's transaction: the instance is anonymised, the case's rows not yet.
        var engine = _s.App.Services.GetRequiredService<PestWorkflows.Engine.Persistence.WorkflowInstanceStore>();
        Assert.Equal(PestWorkflows.Engine.Persistence.InstanceAnonymisation.Anonymised,
            await engine.AnonymiseAsync(Host.Schools.SchoolTenant.Of(closed.SchoolId), closed.WorkflowInstanceId));
        var half = await DbAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId));
        Assert.Null(half.AnonymisedAt);
        Assert.NotEqual("", half.Description);

        Assert.Equal(1, await RunRetentionAsync());
        var done = await DbAsync(db => db.Cases.Include(c => c.Pupils).AsNoTracking().FirstAsync(c => c.Id == caseId));
        Assert.Equal(("", ""), (done.Description, done.Pupils.Single().PupilId));
        Assert.NotNull(done.AnonymisedAt);
        Assert.Equal(0, await RunRetentionAsync());
        Assert.Single(await DbAsync(db => db.AuditTrail.Where(a => a.CaseId == caseId && a.Action == AuditActions.CaseAnonymised).ToListAsync()));
    }
}
