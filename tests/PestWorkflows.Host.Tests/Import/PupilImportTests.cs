using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Import;

/// <summary>
/// The pupil import over real HTTP (<c>POST /api/pupils/import</c> and <c>/leerlingen/importeren</c>) into the
/// demo school De Regenboog (groups "Groep 1" to "Groep 8"), checked in the database it writes.
/// </summary>
public sealed class PupilImportTests : IAsyncLifetime
{
    private const string Header = "leerlingnummer;voornaam;tussenvoegsel;achternaam;groep;e-mail ouder 1;naam ouder 1;e-mail ouder 2;naam ouder 2";
    private SchoolApp _s = null!;

    static PupilImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public Task InitializeAsync()
    {
        _s = new SchoolApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static byte[] Utf8(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    private static byte[] GoodFile() => Utf8(Header,
        "1001;Sanne;van der;Berg;Groep 5;ouder.berg@example.nl;Petra van der Berg;;",
        "1002;Daan;;Jansen;3;m.jansen@example.nl;Mark Jansen;l.jansen@example.nl;Lisa Jansen");

    private async Task<ApiAnswer> PostAsync(string email, byte[] file, bool dryRun, string? expectedHash = null)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(part, "file", "leerlingen.csv");
        var url = $"/api/pupils/import?dryRun={(dryRun ? "true" : "false")}" + (expectedHash is null ? "" : $"&expectedHash={expectedHash}");
        return await ApiAnswer.ReadAsync(await (await _s.As(email)).PostAsync(url, form));
    }

    private async Task<List<Pupil>> ImportedAsync()
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Pupils.AsNoTracking().Include(p => p.Guardians).Where(p => p.PupilNumber != null).OrderBy(p => p.PupilNumber).ToListAsync();
    }

    private static string Kinds(JsonNode answer) =>
        string.Join(",", answer["pupils"]!.AsArray().Select(p => $"{p!["pupilNumber"]}:{p["kind"]}{(p["changedFields"]!.AsArray().Count > 0 ? "(" + string.Join("+", p["changedFields"]!.AsArray()) + ")" : "")}"));

    [Fact]
    public async Task A_good_file_is_previewed_without_changes_then_imported_with_names_groups_and_parents()
    {
        var preview = await PostAsync(HostApp.Coordinator, GoodFile(), dryRun: true);
        Assert.True(preview.Status == HttpStatusCode.OK, preview.Text);
        Assert.Equal(2, (int)preview.Json["added"]!);
        Assert.Equal("1001:Added,1002:Added", Kinds(preview.Json));
        Assert.Equal(";", (string)preview.Json["separator"]!);
        Assert.Empty(await ImportedAsync());

        var imported = await PostAsync(HostApp.Admin, GoodFile(), dryRun: false, expectedHash: (string)preview.Json["fileHash"]!);
        Assert.True(imported.Status == HttpStatusCode.OK, imported.Text);
        Assert.True((bool)imported.Json["imported"]!);
        var pupils = await ImportedAsync();
        Assert.Equal(["Sanne van der Berg", "Daan Jansen"], pupils.Select(p => p.FullName));
        Assert.Equal(["rb-groep5", "rb-groep3"], pupils.Select(p => p.GroupId));
        Assert.Equal(["Petra van der Berg <ouder.berg@example.nl>"], pupils[0].Guardians.Select(g => $"{g.Name} <{g.Email}>"));
        Assert.Equal(["Lisa Jansen", "Mark Jansen"], pupils[1].Guardians.Select(g => g.Name).Order());

        // The new pupils can be chosen when reporting a signal.
        Assert.Contains(await _s.PupilsAsync(HostApp.Teacher1, "Sanne van der"), p => (string)p["group"]! == "Groep 5");
    }

    [Fact]
    public async Task A_comma_separated_file_with_a_byte_order_mark_and_other_column_order_reads_the_same()
    {
        var text = "\uFEFFVoornaam,Achternaam,Leerlingnummer,Groep,E-mail ouder 1,Naam ouder 1\r\nZoë,Berg,1001,Groep 5,ouder.berg@example.nl,\"Berg, Petra\"\r\n";
        var answer = await PostAsync(HostApp.Coordinator, Encoding.UTF8.GetBytes(text), dryRun: false);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Text);
        Assert.Equal(",", (string)answer.Json["separator"]!);
        Assert.Equal("UTF-8", (string)answer.Json["encoding"]!);
        var pupil = (await ImportedAsync()).Single();
        Assert.Equal("Zoë", pupil.FirstName);
        Assert.Equal("Berg, Petra", pupil.Guardians.Single().Name); // a quoted field keeps its comma
    }

    [Fact]
    public async Task A_file_with_bad_lines_is_refused_whole_naming_each_line_and_why_in_Dutch()
    {
        var file = Utf8(Header,
            "2001;Anna;;Visser;Groep 4;a.visser@example.nl;Kees Visser;;",     // line 2: fine
            "2002;;;Bakker;Groep 4;;;;",                                       // line 3: no first name
            "2003;Tim;;Smit;Groep 4;tim.smit@example;Ellen Smit;;",            // line 4: no dot in the domain
            "2004;Eva;;Mulder;Groep 12;;;;",                                   // line 5: no such group
            "2001;Lotte;;Vos;Groep 2;;;;",                                     // line 6: number of line 2 again
            "2006;Ruben;;;Groep 1;;;;");                                       // line 7: no last name
        foreach (var dryRun in new[] { true, false })
        {
            var answer = await PostAsync(HostApp.Coordinator, file, dryRun);
            ApiAnswer.AssertProblem(answer, HttpStatusCode.BadRequest, $"dryRun={dryRun}");
            Assert.Equal("Het bestand is geweigerd: 5 regels kloppen niet.", (string)answer.Json["title"]!);
            var errors = answer.Json["errors"]!.AsObject();
            Assert.Equal(["regel 3", "regel 4", "regel 5", "regel 6", "regel 7"], errors.Select(e => e.Key));
            Assert.Equal("De voornaam ontbreekt.", (string)errors["regel 3"]![0]!);
            Assert.Equal("Het e-mailadres van ouder 1 (\"tim.smit@example\") is ongeldig.", (string)errors["regel 4"]![0]!);
            Assert.Equal("Groep \"Groep 12\" bestaat niet op deze school.", (string)errors["regel 5"]![0]!);
            Assert.Equal("Leerlingnummer 2001 staat ook op regel 2.", (string)errors["regel 6"]![0]!);
            Assert.Equal("De achternaam ontbreekt.", (string)errors["regel 7"]![0]!);
        }
        Assert.Empty(await ImportedAsync()); // not even line 2

        var noColumn = await PostAsync(HostApp.Coordinator, Utf8("leerlingnummer;voornaam;achternaam", "1;Anna;Visser"), dryRun: false);
        ApiAnswer.AssertProblem(noColumn, HttpStatusCode.BadRequest, "no group column");
        Assert.Equal("De kolom \"groep\" ontbreekt in de kopregel.", (string)noColumn.Json["errors"]!["regel 1"]![0]!);
    }

    [Fact]
    public async Task A_Windows_1252_file_keeps_the_accented_names()
    {
        var file = Encoding.GetEncoding(1252).GetBytes(Header + "\r\n3001;Zoë;;Müller;Groep 6;r.muller@example.nl;René Müller;;\r\n3002;Noë;van;Brügge;Groep 6;;;;\r\n");
        var answer = await PostAsync(HostApp.Coordinator, file, dryRun: false);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Text);
        Assert.Equal("Windows-1252", (string)answer.Json["encoding"]!);
        var pupils = await ImportedAsync();
        Assert.Equal(["Zoë Müller", "Noë van Brügge"], pupils.Select(p => p.FullName));
        Assert.Equal("René Müller", pupils[0].Guardians.Single().Name);
    }

    [Fact]
    public async Task The_same_file_twice_changes_nothing_the_second_time_and_a_new_export_changes_only_what_differs()
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(HostApp.Coordinator, GoodFile(), dryRun: false)).Status);
        var before = await ImportedAsync();

        var again = await PostAsync(HostApp.Coordinator, GoodFile(), dryRun: false);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("1001:Unchanged,1002:Unchanged", Kinds(again.Json));
        var after = await ImportedAsync();
        Assert.Equal(before.Select(p => (p.Id, p.FullName, p.GroupId)), after.Select(p => (p.Id, p.FullName, p.GroupId)));
        Assert.Equal(before.SelectMany(p => p.Guardians).Select(g => (g.Id, g.Name, g.Email)).Order(), after.SelectMany(p => p.Guardians).Select(g => (g.Id, g.Name, g.Email)).Order());

        // A year later: Sanne moved to groep 6, Daan's second parent left and the first one's name is spelled out.
        var next = Utf8(Header,
            "1001;Sanne;van der;Berg;Groep 6;ouder.berg@example.nl;Petra van der Berg;;",
            "1002;Daan;;Jansen;3;M.Jansen@example.nl;Mark-Jan Jansen;;");
        var preview = await PostAsync(HostApp.Coordinator, next, dryRun: true);
        Assert.Equal("1001:Changed(groep),1002:Changed(ouders)", Kinds(preview.Json));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(HostApp.Coordinator, next, dryRun: false)).Status);
        var daan = (await ImportedAsync()).Single(p => p.PupilNumber == "1002");
        var kept = before.Single(p => p.PupilNumber == "1002").Guardians.Single(g => g.Email == "m.jansen@example.nl");
        Assert.Equal([(kept.Id, "Mark-Jan Jansen", "M.Jansen@example.nl")], daan.Guardians.Select(g => (g.Id, g.Name, g.Email)));
    }

    [Fact]
    public async Task A_file_of_five_thousand_pupils_is_previewed_and_imported()
    {
        var lines = new List<string> { Header };
        for (var i = 1; i <= 5000; i++)
            lines.Add($"{100000 + i};Leerling{i};;Achternaam{i % 97};Groep {i % 8 + 1};ouder{i}@example.nl;Ouder {i};ouder{i}b@example.nl;Ouder {i}b");
        var file = Utf8(lines.ToArray());

        var preview = await PostAsync(HostApp.Coordinator, file, dryRun: true);
        Assert.True(preview.Status == HttpStatusCode.OK, preview.Text[..Math.Min(500, preview.Text.Length)]);
        Assert.Equal(5000, (int)preview.Json["added"]!);

        var imported = await PostAsync(HostApp.Coordinator, file, dryRun: false);
        Assert.Equal(HttpStatusCode.OK, imported.Status);
        var pupils = await ImportedAsync();
        Assert.Equal(5000, pupils.Count);
        Assert.Equal(10000, pupils.Sum(p => p.Guardians.Count));

        var again = await PostAsync(HostApp.Coordinator, file, dryRun: true);
        Assert.Equal(5000, (int)again.Json["unchanged"]!);
    }

    [Fact]
    public async Task Only_the_coordinator_and_the_admin_import_a_teacher_or_leader_is_refused()
    {
        foreach (var who in new[] { HostApp.Teacher1, HostApp.Leader })
        {
            var answer = await PostAsync(who, GoodFile(), dryRun: false);
            ApiAnswer.AssertProblem(answer, HttpStatusCode.Forbidden, who);
            using var session = await PageSession.SignInAsync(_s.App, who);
            var (status, _) = await session.GetAsync("/leerlingen/importeren");
            Assert.NotEqual(HttpStatusCode.OK, status);
            var (_, search) = await session.GetAsync("/leerlingen");
            Assert.DoesNotContain("/leerlingen/importeren", search);
        }
        Assert.Empty(await ImportedAsync());
    }

    [Fact]
    public async Task A_file_changed_after_its_dry_run_is_refused()
    {
        var preview = await PostAsync(HostApp.Coordinator, GoodFile(), dryRun: true);
        var changed = Utf8(Header, "1001;Sanne;;Anders;Groep 5;;;;");
        var answer = await PostAsync(HostApp.Coordinator, changed, dryRun: false, expectedHash: (string)preview.Json["fileHash"]!);
        ApiAnswer.AssertProblem(answer, HttpStatusCode.Conflict, "changed file");
        Assert.Empty(await ImportedAsync());
    }
}
