using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>
/// Step 5's signed nadenkvel: uploaded with the task's form (or through the API), checked by its
/// content, kept outside the web root, shown in the dossier and downloaded only by those who may
/// see the case.
/// </summary>
public sealed class NadenkvelUploadTests : IAsyncLifetime
{
    private SchoolApp _s = null!;
    private string _caseId = "";
    private string _step5 = "";

    private static readonly byte[] Pdf = [.. "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"u8];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0 foto van het vel"u8];
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. "IHDR scan van het vel"u8];
    private static readonly byte[] Exe = [.. "MZ\x90\0 This program cannot be run in DOS mode."u8];

    public async Task InitializeAsync()
    {
        _s = new SchoolApp();
        _caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(("rb-033", "Bullied"), ("rb-038", "Bully"))))["id"]!;
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.DiscussWithCoordinator", new JsonObject { ["notes"] = "besproken met de melder" });
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.DecideIfBullying", new JsonObject { ["outcome"] = "Bullying", ["reasoning"] = "herhaald en bewust" });
        await _s.CompleteAsync(HostApp.Teacher1, _caseId, "Pestprotocol.DiscussInGroup", new JsonObject { ["held"] = true, ["rolesInGroup"] = "besproken" });
        var plan = await _s.TaskAsync(HostApp.Coordinator, _caseId, "Pestprotocol.PlanOfApproach");
        var staff = SchoolApp.StaffByName(plan);
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.PlanOfApproach", new JsonObject
        {
            ["informed"] = new JsonArray("ParentsOfBullied", "ParentsOfBully"),
            ["registration"] = "In ESIS onder pestincidenten",
            ["bulliedPupilConversationBy"] = staff["Diana de Wit"], // so leerkracht2 has no part in the case
            ["bullyConversationBy"] = staff["Diana de Wit"],
            ["bullyParentsConversationBy"] = staff["Marieke Bos"],
            ["esisRegistrationBy"] = staff["Karin Smit"],
        });
        await _s.CompleteAsync(HostApp.Coordinator, _caseId, "Pestprotocol.ConversationWithBulliedPupil", new JsonObject { ["notes"] = "gesprek gevoerd", ["withConfidant"] = false });
        _step5 = (string)(await _s.TaskAsync(HostApp.Coordinator, _caseId, "Pestprotocol.ConversationWithBully"))["id"]!;
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static KeyValuePair<string, string>[] Step5Form(string notes = "Gesprek met de pester gevoerd; hij stopt ermee.") =>
        [new("outcome", "Done"), new("veld.notes", notes), new("veld.nadenkvelSigned", "ja")];

    private async Task<(HttpResponseMessage Response, string Html)> SendStep5Async(PageSession session, IEnumerable<KeyValuePair<string, string>> fields,
        params (string Name, string FileName, string ContentType, byte[] Content)[] files)
    {
        var (_, form) = await session.GetAsync($"/taken/{_step5}");
        var response = await session.PostMultipartWithTokenAsync($"/taken/{_step5}", PageSession.Token(form), fields, files);
        return (response, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private List<CaseDocument> StoredDocuments()
    {
        using var scope = _s.App.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<AppDbContext>().Documents.AsNoTracking().ToList();
    }

    private string DocumentsFolder => _s.App.Services.GetRequiredService<DocumentFiles>().Folder;

    [Fact]
    public async Task The_step_5_form_takes_the_signed_nadenkvel_and_the_dossier_shows_it_with_a_link()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, form) = await coordinator.GetAsync($"/taken/{_step5}");
        Assert.Contains("enctype=\"multipart/form-data\"", form);
        Assert.Matches("<label for=\"veld-nadenkvel\">Nadenkvel \\(scan of foto\\)</label>", form);
        Assert.Contains("type=\"file\" accept=\".pdf,.jpg,.jpeg,.png\"", form);
        Assert.Contains($"data-max-bytes=\"{CaseDocuments.MaxBytes}\"", form); // checked before sending (js/upload.js), and again here
        Assert.Contains("src=\"/js/upload.js", form);

        var (sent, _) = await SendStep5Async(coordinator, Step5Form(), ("veld.nadenkvel", "C:\\Scans\\Nadenkvel Bram <8b>.pdf", "application/pdf", Pdf));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);

        var document = Assert.Single(StoredDocuments());
        Assert.Equal((_caseId, _step5, "nadenkvel", "application/pdf", (long)Pdf.Length), (document.CaseId, document.TaskId, document.FieldName, document.ContentType, document.Size));
        Assert.Equal("Nadenkvel Bram _8b.pdf", document.FileName);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf)), document.Sha256);
        var link = $"/zaken/{_caseId}/documenten/{document.Id}";

        // The completed step shows it, on the task page and in the dossier's timeline and earlier steps.
        var (_, done) = await coordinator.GetAsync($"/taken/{_step5}");
        Assert.Contains("id=\"afgerond\"", done);
        Assert.Contains($"<a href=\"{link}\" download>Nadenkvel Bram _8b.pdf</a> ({Pdf.Length} bytes)", done);
        var (_, dossier) = await coordinator.GetAsync($"/zaken/{_caseId}");
        Assert.Contains("Nadenkvel (scan of foto) toegevoegd: Nadenkvel Bram _8b.pdf.", dossier);
        Assert.Contains($"<a href=\"{link}\" class=\"document\" download>Nadenkvel Bram _8b.pdf downloaden</a>", dossier);
        Assert.Contains($"<a href=\"{link}\" download>Nadenkvel Bram _8b.pdf</a>", dossier);
        var timeline = (await _s.CaseAsync(HostApp.Coordinator, _caseId))["timeline"]!.AsArray();
        Assert.Equal(document.Id, (string?)timeline.Single(t => t!["document"] is not null)!["document"]!["id"]);

        // The file lies beside the database, under its random id, not in the web root.
        var path = Path.Combine(DocumentsFolder, document.Id);
        Assert.Equal(Pdf, await File.ReadAllBytesAsync(path));
        Assert.StartsWith(_s.App.Database.Folder, path);
        var webRoot = _s.App.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath;
        Assert.False(path.StartsWith(Path.GetFullPath(webRoot), StringComparison.Ordinal), $"{path} lies in the web root {webRoot}");
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/{document.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/documents/{document.Id}")).Status);
    }

    [Fact]
    public async Task The_nadenkvel_downloads_with_safe_headers_for_those_who_see_the_case_and_is_not_found_for_everyone_else()
    {
        using (var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator))
            Assert.Equal(HttpStatusCode.Redirect, (await SendStep5Async(coordinator, Step5Form(), ("veld.nadenkvel", "vel.jpeg", "image/jpeg", Jpeg))).Response.StatusCode);
        var document = Assert.Single(StoredDocuments());
        Assert.Equal(("image/jpeg", "vel.jpg"), (document.ContentType, document.FileName));
        var link = $"/zaken/{_caseId}/documenten/{document.Id}";

        // The coordinator, and the teacher who reported the case.
        foreach (var viewer in new[] { HostApp.Coordinator, HostApp.Teacher1 })
        {
            using var session = await PageSession.SignInAsync(_s.App, viewer);
            using var download = await session.SendGetAsync(link);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            AssertDownloadHeaders(download, "image/jpeg", "vel.jpg");
            Assert.Equal(Jpeg, await download.Content.ReadAsByteArrayAsync());
        }
        using (var api = await _s.App.LoginAsync(HostApp.Leader))
        using (var download = await api.GetAsync($"/api/cases/{_caseId}/documents/{document.Id}"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            AssertDownloadHeaders(download, "image/jpeg", "vel.jpg");
        }

        // A teacher without part in the case, another school's staff: as if it did not exist; so is a guessed id.
        foreach (var stranger in new[] { HostApp.Teacher2, HostApp.OtherCoordinator, HostApp.OtherTeacher })
        {
            using var session = await PageSession.SignInAsync(_s.App, stranger);
            foreach (var url in new[] { link, $"/zaken/{_caseId}/documenten/{Guid.NewGuid():N}" })
            {
                var (status, html) = await session.GetAsync(url);
                Assert.True(status == HttpStatusCode.NotFound, $"{stranger} GET {url}: {(int)status}");
                Assert.Contains("Niet gevonden", html);
            }
            using var api = await _s.App.LoginAsync(stranger);
            using var refused = await api.GetAsync($"/api/cases/{_caseId}/documents/{document.Id}");
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        using (var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/zaken/{_caseId}/documenten/{Guid.NewGuid():N}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/zaken/{Guid.NewGuid():N}/documenten/{document.Id}")).Status);
        }

        // Not signed in: to the sign-in page, nothing of the file.
        using var anonymous = _s.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        using var nobody = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, nobody.StatusCode);
        Assert.StartsWith("/inloggen", nobody.Headers.Location?.PathAndQuery ?? nobody.Headers.Location?.OriginalString);
        using var nobodyApi = await anonymous.GetAsync($"/api/cases/{_caseId}/documents/{document.Id}");
        Assert.Equal(HttpStatusCode.Unauthorized, nobodyApi.StatusCode);
    }

    private static void AssertDownloadHeaders(HttpResponseMessage download, string contentType, string fileName)
    {
        Assert.Equal(contentType, download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(fileName, download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(download.Headers.CacheControl is { Private: true, NoStore: true }, $"Cache-Control: {download.Headers.CacheControl}");
    }

    [Fact]
    public async Task A_renamed_program_or_text_file_and_a_file_over_10_MB_are_refused_next_to_the_field_and_what_was_typed_stays()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var oversize = new byte[CaseDocuments.MaxBytes + 1];
        Pdf.CopyTo(oversize, 0);
        foreach (var (file, message) in new[]
        {
            (("veld.nadenkvel", "nadenkvel.pdf", "application/pdf", Exe), "Alleen PDF, JPEG of PNG."),
            (("veld.nadenkvel", "nadenkvel.pdf", "application/pdf", Encoding.UTF8.GetBytes("Ik beloof dat ik ermee stop.")), "Alleen PDF, JPEG of PNG."),
            (("veld.nadenkvel", "nadenkvel.pdf", "application/pdf", oversize), "Het bestand is te groot (maximaal 10 MB)."),
        })
        {
            var (sent, html) = await SendStep5Async(coordinator, Step5Form("Mijn verslag van het gesprek, niet kwijtraken."), file);
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Contains($"<span class=\"field-error\" id=\"veld-nadenkvel-fout\">{message}</span>", html);
            Assert.Contains(">Mijn verslag van het gesprek, niet kwijtraken.</textarea>", html);
            Assert.Matches("value=\"ja\" checked", html);
            Assert.Contains("id=\"taakformulier\"", html); // still open
        }
        Assert.Empty(StoredDocuments());
        Assert.Empty(Directory.GetFiles(DocumentsFolder));
        Assert.Equal("Open", (string?)(await _s.TaskAsync(HostApp.Coordinator, _caseId, "Pestprotocol.ConversationWithBully"))["status"]);
    }

    [Fact]
    public async Task A_form_sent_back_for_a_missing_field_keeps_its_upload_and_completes_with_it_the_next_time()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (sent, html) = await SendStep5Async(coordinator, [new("outcome", "Done"), new("veld.notes", "Verslag.")], ("veld.nadenkvel", "vel.png", "image/png", Png));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("id=\"veld-nadenkvelSigned-fout\"", html);
        var kept = Assert.Single(StoredDocuments());
        Assert.Null(kept.TaskId);
        Assert.Contains($"<input type=\"hidden\" name=\"veld.nadenkvel\" value=\"{kept.Id}\" />", html);
        Assert.Contains("Al gekozen:", html);

        using var again = await coordinator.PostMultipartWithTokenAsync($"/taken/{_step5}", PageSession.Token(html),
            [.. Step5Form("Verslag."), new("veld.nadenkvel", kept.Id)], []);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(_step5, Assert.Single(StoredDocuments()).TaskId);
    }

    [Fact]
    public async Task Through_the_api_a_document_is_uploaded_first_and_the_json_completion_names_it_an_upload_never_named_is_removed_after_a_day()
    {
        using var coordinator = await _s.App.LoginAsync(HostApp.Coordinator);
        async Task<(HttpStatusCode Status, JsonNode? Body)> UploadAsync(HttpClient client, string caseId, string fileName, byte[] content)
        {
            using var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "file", fileName);
            using var response = await client.PostAsync($"/api/cases/{caseId}/documents", form);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
        }

        var png = await UploadAsync(coordinator, _caseId, "scan.png", Png);
        Assert.Equal(HttpStatusCode.Created, png.Status);
        Assert.Equal(("image/png", "scan.png"), ((string?)png.Body!["contentType"], (string?)png.Body["fileName"]));
        var jpeg = await UploadAsync(coordinator, _caseId, "foto.jpg", Jpeg);
        Assert.Equal(HttpStatusCode.Created, jpeg.Status);
        var pdf = await UploadAsync(coordinator, _caseId, "vel.pdf", Pdf);
        Assert.Equal(HttpStatusCode.Created, pdf.Status);
        var text = await UploadAsync(coordinator, _caseId, "vel.pdf", Encoding.UTF8.GetBytes("gewoon tekst"));
        Assert.Equal(HttpStatusCode.BadRequest, text.Status);
        Assert.Equal("Alleen PDF, JPEG of PNG.", (string?)text.Body!["errors"]!["file"]![0]);

        // No open task of hers asks for a file in this case, or the case is not hers to see.
        using (var teacher = await _s.App.LoginAsync(HostApp.Teacher2))
            Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(teacher, _caseId, "vel.pdf", Pdf)).Status);
        using (var other = await _s.App.LoginAsync(HostApp.OtherCoordinator))
            Assert.Equal(HttpStatusCode.NotFound, (await UploadAsync(other, _caseId, "vel.pdf", Pdf)).Status);

        // An id that names no upload of this case is no value for the task's file field.
        using (var refused = await _s.CompleteRawAsync(HostApp.Coordinator, _step5, new JsonObject { ["notes"] = "x", ["nadenkvelSigned"] = true, ["nadenkvel"] = "0123456789abcdef0123456789abcdef" }))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using (var completed = await _s.CompleteRawAsync(HostApp.Coordinator, _step5,
                   new JsonObject { ["notes"] = "Gesprek gevoerd.", ["nadenkvelSigned"] = true, ["nadenkvel"] = (string)png.Body["id"]! }))
            Assert.True(completed.IsSuccessStatusCode, $"{(int)completed.StatusCode} {await completed.Content.ReadAsStringAsync()}");
        var @case = await _s.CaseAsync(HostApp.Coordinator, _caseId);
        Assert.Contains(@case["timeline"]!.AsArray(), t => (string?)t!["document"]?["id"] == (string?)png.Body["id"]);

        // The two uploads no step named are removed after a day; the linked one stays.
        using (var scope = _s.App.Services.CreateScope())
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<CaseDocuments>().RemoveOrphansAsync(CancellationToken.None));
        _s.App.Clock.Advance(CaseDocuments.UnlinkedKeptFor + TimeSpan.FromMinutes(1));
        using (var scope = _s.App.Services.CreateScope()) // (the host's own cleanup may be removing them at the same moment)
            await scope.ServiceProvider.GetRequiredService<CaseDocuments>().RemoveOrphansAsync(CancellationToken.None);
        Assert.Equal([(string)png.Body["id"]!], StoredDocuments().Select(d => d.Id));
        Assert.Equal([(string)png.Body["id"]!], Directory.GetFiles(DocumentsFolder).Select(Path.GetFileName));
        using var download = await (await _s.As(HostApp.Coordinator)).GetAsync($"/api/cases/{_caseId}/documents/{(string)png.Body["id"]!}");
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
    }
}
