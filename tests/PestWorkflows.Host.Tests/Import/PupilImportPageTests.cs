using System.Net;
using System.Text;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Import;

/// <summary>/leerlingen/importeren as the coordinator uses it: upload, read the preview, confirm.</summary>
public sealed class PupilImportPageTests : IAsyncLifetime
{
    private SchoolApp _s = null!;

    public Task InitializeAsync()
    {
        _s = new SchoolApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static readonly byte[] File = Encoding.UTF8.GetBytes(
        "leerlingnummer;voornaam;tussenvoegsel;achternaam;groep;e-mail ouder 1;naam ouder 1\r\n" +
        "5001;Fenna;de;Groot;Groep 5;j.degroot@example.nl;Jeroen de Groot\r\n" +
        "5002;Milan;;Bos;Groep 7;;\r\n");

    private static async Task<(HttpStatusCode Status, string Html)> ReadAsync(HttpResponseMessage response)
    {
        using (response) return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_coordinator_uploads_sees_what_will_be_added_and_confirms_exactly_that_file()
    {
        using var session = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (status, page) = await session.GetAsync("/leerlingen/importeren");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("e-mail ouder 1", page); // the format is on the page
        var token = PageSession.Token(page);

        var (previewStatus, preview) = await ReadAsync(await session.PostMultipartWithTokenAsync("/leerlingen/importeren?handler=Preview", token, [],
            [("file", "export.csv", "text/csv", File)]));
        Assert.Equal(HttpStatusCode.OK, previewStatus);
        Assert.Contains("2 nieuw", preview);
        Assert.Contains("Fenna de Groot", preview);
        var hash = PageSession.InputValue(preview, "hash")!;
        Assert.Equal(0, (await _s.PupilsAsync(HostApp.Coordinator, "Fenna de Groot")).Count);

        // A confirm naming another file (or one this host no longer keeps) imports nothing.
        var (wrongStatus, wrong) = await ReadAsync(await session.PostFormWithTokenAsync("/leerlingen/importeren?handler=Confirm", PageSession.Token(preview), [new("hash", new string('0', 64))]));
        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus);
        Assert.Contains("er is niets ingelezen", wrong);
        Assert.Equal(0, (await _s.PupilsAsync(HostApp.Coordinator, "Fenna de Groot")).Count);

        var (doneStatus, done) = await ReadAsync(await session.PostFormWithTokenAsync("/leerlingen/importeren?handler=Confirm", PageSession.Token(preview), [new("hash", hash)]));
        Assert.Equal(HttpStatusCode.OK, doneStatus);
        Assert.Contains("Ingelezen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd.", done);
        Assert.Single(await _s.PupilsAsync(HostApp.Coordinator, "Fenna de Groot"));

        // The same file again: the preview says nothing changes and offers no import.
        var (_, second) = await ReadAsync(await session.PostMultipartWithTokenAsync("/leerlingen/importeren?handler=Preview", PageSession.Token(done), [],
            [("file", "export.csv", "text/csv", File)]));
        Assert.Contains("Dit bestand verandert niets.", second);
        Assert.Contains("2 ongewijzigd", second);
    }

    [Fact]
    public async Task A_refused_file_lists_each_wrong_line_on_the_page()
    {
        using var session = await PageSession.SignInAsync(_s.App, HostApp.Admin);
        var (_, page) = await session.GetAsync("/leerlingen/importeren");
        var bad = Encoding.UTF8.GetBytes("leerlingnummer;voornaam;achternaam;groep\r\n1;Anna;;Groep 1\r\n2;Bo;Vis;Groep 9\r\n");
        var (status, html) = await ReadAsync(await session.PostMultipartWithTokenAsync("/leerlingen/importeren?handler=Preview", PageSession.Token(page), [],
            [("file", "export.csv", "text/csv", bad)]));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Het bestand is geweigerd: 2 regels kloppen niet.", html);
        Assert.Contains("Regel 2: De achternaam ontbreekt.", html);
        Assert.Contains("Regel 3: Groep \"Groep 9\" bestaat niet op deze school.", html);
        Assert.DoesNotContain("name=\"hash\"", html);
    }
}
