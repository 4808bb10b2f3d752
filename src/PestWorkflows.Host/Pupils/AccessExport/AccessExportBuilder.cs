using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>
/// An access request (AVG art. 15) for one pupil: a ZIP with <c>inzage.html</c> (Dutch, to read and print)
/// and <c>gegevens.json</c> (the same, structured): the pupil and their parents, every case they are part of
/// (their role, dates, steps, timeline, the answers recorded in each step, the documents listed), and the
/// emails to their parents. Other pupils of those cases appear only as "andere leerling", in the structured
/// fields and in free text. Documents are listed, not included: a scan of a signed sheet can name other
/// pupils and only a person can black that out; the school hands them over after looking at them.
/// </summary>
public sealed class AccessExportBuilder(AppDbContext db, AuditTrail audit, TimeProvider clock)
{
    public const string HtmlEntry = "inzage.html";
    public const string JsonEntry = "gegevens.json";

    public const string DocumentsNote =
        "Documenten (zoals een ondertekend nadenkvel) staan hieronder genoemd maar zitten niet in dit bestand: er kunnen andere leerlingen in staan. " +
        "De school bekijkt ze en geeft ze apart, met andere namen onleesbaar gemaakt.";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Whether this person may export this pupil: 404 for another school's (or no) pupil, 403 for a wrong role.</summary>
    public async Task<(AccessExportRefusal Refusal, Pupil? Pupil)> CheckAsync(Staff staff, string pupilId, CancellationToken ct)
    {
        var pupil = await db.Pupils.AsNoTracking().Include(p => p.Guardians).FirstOrDefaultAsync(p => p.Id == pupilId && p.SchoolId == staff.SchoolId, ct);
        if (pupil is null) return (AccessExportRefusal.NotFound, null);
        return AccessRules.MayExportPupil(staff, pupil) ? (AccessExportRefusal.None, pupil) : (AccessExportRefusal.Forbidden, pupil);
    }

    /// <summary>The ZIP's bytes and its file name; writes the <c>pupil.exported</c> audit line.</summary>
    public async Task<(byte[] Zip, string FileName)> ExportAsync(Staff staff, Pupil pupil, CancellationToken ct)
    {
        var export = await BuildAsync(pupil, ct);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            await WriteAsync(zip, JsonEntry, JsonSerializer.Serialize(export, Json), ct);
            await WriteAsync(zip, HtmlEntry, AccessExportHtml.Render(export), ct);
        }
        await audit.RecordAsync(db, staff, AuditActions.PupilExported, AuditResource.Pupil(pupil.Id), ct);
        var day = DutchTime.Local(clock.GetUtcNow()).ToString("yyyy-MM-dd");
        return (buffer.ToArray(), $"inzage-leerling-{pupil.PupilNumber ?? pupil.Id}-{day}.zip");
    }

    private static async Task WriteAsync(ZipArchive zip, string name, string text, CancellationToken ct)
    {
        await using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        await entry.WriteAsync(new UTF8Encoding(false).GetBytes(text), ct);
    }

    public async Task<PupilAccessExport> BuildAsync(Pupil pupil, CancellationToken ct)
    {
        var school = await db.Schools.AsNoTracking().FirstAsync(s => s.Id == pupil.SchoolId, ct);
        var groups = await db.Groups.AsNoTracking().Where(g => g.SchoolId == pupil.SchoolId).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        var cases = await db.Cases.AsNoTracking().Include(c => c.Pupils).Include(c => c.Timeline)
            .Where(c => c.SchoolId == pupil.SchoolId && c.Pupils.Any(p => p.PupilId == pupil.Id))
            .OrderByDescending(c => c.ReportedAt).ToListAsync(ct);
        var caseIds = cases.Select(c => c.Id).ToList();
        var pupilIds = cases.SelectMany(c => c.Pupils).Select(p => p.PupilId).Append(pupil.Id).Distinct().ToList();
        var pupils = await db.Pupils.AsNoTracking().Include(p => p.Guardians).Where(p => pupilIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var tasks = await db.Tasks.AsNoTracking().Where(t => caseIds.Contains(t.CaseId)).OrderBy(t => t.CreatedAt).ToListAsync(ct);
        var documents = await db.Documents.AsNoTracking().Where(d => caseIds.Contains(d.CaseId) && d.TaskId != null).OrderBy(d => d.UploadedAt).ToListAsync(ct);
        var staffNames = await db.Users.AsNoTracking().Where(u => u.SchoolId == pupil.SchoolId).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var emails = await db.Emails.AsNoTracking()
            .Where(e => e.PupilId == pupil.Id && e.RecipientKind == EmailRecipientKind.Parent && e.SchoolId == pupil.SchoolId)
            .OrderBy(e => e.CreatedAt).ToListAsync(ct);

        CasePupilDto Dto(CasePupil p) => new(p.PupilId, pupils.TryGetValue(p.PupilId, out var known) ? known.FullName : "", "", p.Role, PupilRoles.Dutch(p.Role));

        var exported = new List<ExportedCase>();
        var redactors = new Dictionary<string, OtherPeople>();
        foreach (var c in cases)
        {
            var inCase = c.Pupils.Select(Dto).ToList();
            var self = inCase.First(p => p.PupilId == pupil.Id);
            var otherParents = c.Pupils.Where(p => p.PupilId != pupil.Id && pupils.ContainsKey(p.PupilId))
                .SelectMany(p => pupils[p.PupilId].Guardians).Select(g => (g.Name, g.Email)).ToList();
            var people = redactors[c.Id] = new OtherPeople(inCase, self, otherParents);
            exported.Add(new ExportedCase(
                c.Id, self.RoleLabel, c.Status == CaseStatus.Open ? "open" : "gesloten", c.ReportedAt, c.ObservedAt,
                people.Redact(c.Location), people.Redact(c.Description), c.BoundaryCrossed, c.CurrentStepTitle, c.Outcome?.ToString(), c.EndedAtStep,
                c.ClosedAt, c.EsisRegisteredAt,
                inCase.Where(p => p.PupilId != pupil.Id).Select(p => new ExportedOtherPupil(EsisSummary.OtherPupil, p.RoleLabel)).ToList(),
                c.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new ExportedTimelineLine(t.At, t.Kind, people.Redact(t.Text))).ToList(),
                tasks.Where(t => t.CaseId == c.Id).Select(t => Task(t, people, staffNames)).ToList(),
                documents.Where(d => d.CaseId == c.Id).Select(d => new ExportedDocument(people.Redact(d.FileName), d.ContentType, d.Size, d.UploadedAt)).ToList()));
        }

        var exportedEmails = emails.Select(e =>
        {
            var people = e.CaseId is not null && redactors.TryGetValue(e.CaseId, out var known) ? known : null;
            string Clean(string? text) => people?.Redact(text) ?? text ?? "";
            return new ExportedEmail(e.CaseId, e.To, e.ToName, Clean(e.Subject), Clean(e.TextBody), EmailStatusLabel(e.Status), e.CreatedAt, e.SentAt);
        }).ToList();

        return new PupilAccessExport(
            DutchTime.Local(clock.GetUtcNow()).ToString("dd-MM-yyyy HH:mm", DutchTime.Culture), school.Name,
            new ExportedPupil(pupil.Id, pupil.PupilNumber, pupil.FirstName, pupil.LastName, groups.GetValueOrDefault(pupil.GroupId) ?? ""),
            pupil.Guardians.Select(g => new ExportedParent(g.Name, g.Email)).ToList(),
            exported, exportedEmails, DocumentsNote);
    }

    private static ExportedTask Task(CaseTask task, OtherPeople people, Dictionary<string, string> staffNames)
    {
        var fields = TaskForm.Fields(task);
        var answers = new List<ExportedAnswer>();
        if (task.ValuesJson is { Length: > 0 } json && JsonNode.Parse(json) is JsonObject values)
        {
            foreach (var (name, value) in values)
            {
                if (value is null || name.StartsWith('_')) continue;
                var field = fields.FirstOrDefault(f => f.Name == name);
                answers.Add(new ExportedAnswer(field?.Label ?? name, people.Redact(Text(value, field, staffNames))));
            }
        }
        var outcome = task.Outcome is { } o ? TaskForm.Outcomes(task).FirstOrDefault(x => x.Name == o)?.Label ?? o : null;
        return new ExportedTask(task.Step, task.Title, task.Status switch
        {
            CaseTaskStatus.Open => "open",
            CaseTaskStatus.Completed => "afgerond",
            _ => "vervallen",
        }, outcome, task.CreatedAt, task.DueAt, task.CompletedAt, answers);
    }

    private static string Text(JsonNode value, TaskField? field, Dictionary<string, string> staffNames)
    {
        if (value is JsonArray items) return string.Join(", ", items.Where(i => i is not null).Select(i => Text(i!, field, staffNames)));
        if (value is not JsonValue scalar) return value.ToJsonString();
        if (scalar.TryGetValue<bool>(out var yes)) return yes ? "ja" : "nee";
        var text = scalar.ToString();
        if (field?.Type is TaskFieldType.User or TaskFieldType.Users && staffNames.TryGetValue(text, out var person)) return person;
        if (field?.Type == TaskFieldType.File) return "document (zie Documenten)";
        return field?.Options?.FirstOrDefault(option => option.Value == text)?.Label ?? text;
    }

    private static string EmailStatusLabel(EmailStatus status) => status switch
    {
        EmailStatus.Sent => "verstuurd",
        EmailStatus.Failed => "mislukt",
        EmailStatus.Queued => "in de wachtrij",
        EmailStatus.Sending => "wordt verstuurd",
        EmailStatus.Resent => "mislukt, opnieuw verstuurd",
        _ => "onzeker: mogelijk niet aangekomen",
    };
}
