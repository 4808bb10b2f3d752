using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PestWorkflows.Activities.Protocol;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Email;

/// <summary>
/// Writes the parents' emails an <see cref="EmailParents"/> asks for (and the MDO invitation of
/// <see cref="EmailMdoInvitation"/>, which follows the same rules about the bully), in the step's transaction: per
/// pupil one rendering with a model that holds only that pupil, one email per guardian address, and
/// a timeline line that says to whom it went (or why it did not). A template that reaches beyond the
/// pupil's model, or whose text names another pupil of the case, sends nothing.
/// </summary>
public sealed class ParentsEmailHandler(AppDbContextOnConnection appDb, EmailOutbox outbox, TimeProvider clock, IConfiguration configuration,
    ILogger<ParentsEmailHandler> logger) : IStepEffectHandler
{
    public ValueTask ApplyAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
        effect is MdoInvitationRequested or ParentsEmailRequested ? appDb.SaveAsync(step, run, ct) : ValueTask.CompletedTask;

    /// <summary>Composes the emails (templates rendered, names checked) before the step's transaction; they are written with the step.</summary>
    public async ValueTask PrepareAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct)
    {
        if (effect is MdoInvitationRequested mdo)
        {
            await InviteToMdoAsync(step, run, mdo, ct);
            return;
        }
        if (effect is not ParentsEmailRequested request) return;
        var db = appDb.For(step, run);
        var @case = await CaseOfStep.FindAsync(db, run.State.InstanceId, ct);
        if (@case is null) return; // not a case (a designer's test run)
        var school = await db.Schools.AsNoTracking().FirstAsync(s => s.Id == @case.SchoolId, ct);
        var ids = @case.Pupils.Select(p => p.PupilId).ToList();
        var pupils = await db.Pupils.AsNoTracking().Include(p => p.Guardians).Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var coordinator = await CoordinatorAsync(db, school.Id, ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(school.TimeZoneId);
        var appointment = ParseAppointment(request.AppointmentAt, zone);
        var now = clock.GetUtcNow();

        var roles = request.Recipients switch
        {
            ParentsRecipients.Bully => new[] { PupilRole.Bully },
            ParentsRecipients.Involved => [PupilRole.Bullied, PupilRole.Bully],
            _ => [PupilRole.Bullied],
        };
        var addressed = @case.Pupils.Where(p => roles.Contains(p.Role) && pupils.ContainsKey(p.PupilId))
            .OrderBy(p => Array.IndexOf(roles, p.Role)).Select(p => pupils[p.PupilId]).DistinctBy(p => p.Id).ToList();
        var problems = ParentsEmailTemplate.Problems(request.Subject).Concat(ParentsEmailTemplate.Problems(request.Body)).ToList();

        foreach (var pupil in addressed)
        {
            void Line(string text) => db.Timeline.Add(new TimelineEntry { CaseId = @case.Id, At = now, Kind = "ParentsEmail", Text = text, ActorUserId = run.Actor });
            if (problems.Count > 0)
            {
                Line($"E-mail aan de ouders van {pupil.FullName} niet verstuurd: {problems[0]}");
                logger.LogWarning("Parents' email of case {CaseId} refused: {Problem}", @case.Id, problems[0]);
                continue;
            }
            var guardians = pupil.Guardians.Where(g => EmailAddresses.IsDeliverable(g.Email)).ToList();
            if (guardians.Count == 0)
            {
                Line($"E-mail aan de ouders van {pupil.FullName} niet verstuurd: er is geen e-mailadres van de ouders bekend.");
                continue;
            }
            var others = @case.Pupils.Where(p => p.PupilId != pupil.Id && pupils.ContainsKey(p.PupilId))
                .Select(p => (pupils[p.PupilId].FirstName, pupils[p.PupilId].FullName)).ToList();
            // An email an earlier effect of this very step wrote to the family is in the context only.
            var firstToFamily = !db.Emails.Local.Any(e => e.CaseId == @case.Id && e.PupilId == pupil.Id && e.RecipientKind == EmailRecipientKind.Parent)
                && !await db.Emails.AnyAsync(e => e.CaseId == @case.Id && e.PupilId == pupil.Id && e.RecipientKind == EmailRecipientKind.Parent, ct);
            var withLetter = request.IncludeParentLetter && firstToFamily;

            var queued = new List<string>();
            string? refused = null;
            foreach (var guardian in guardians)
            {
                var model = Model(pupil, guardian, school, coordinator, appointment, request.AppointmentPlace, LetterUrl(school.Id));
                string subject, text, html;
                try
                {
                    subject = Clean(await ParentsEmailTemplate.RenderAsync(request.Subject, model, html: false));
                    text = (await ParentsEmailTemplate.RenderAsync(request.Body, model, html: false)).Trim();
                    html = await ParentsEmailTemplate.RenderAsync(request.Body, model, html: true);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    refused = $"het sjabloon kon niet worden gemaakt ({e.Message}).";
                    break;
                }
                // What the template put in (a name typed into it, a guardian's name) is checked as sent, not as written.
                if (ParentsEmailTemplate.OtherPupilNamed(subject + "\n" + text, pupil.FirstName, others) is { } named)
                {
                    refused = $"de tekst noemt een ander kind van de zaak ({named}). Pas het sjabloon aan in de werkstroom.";
                    break;
                }
                var attachments = appointment is { } at
                    ? [CalendarInvite.Create($"{@case.Id}-{request.ActivityId}-{guardian.Id}@pestworkflows", at, school.TimeZoneId,
                        TimeSpan.FromMinutes(request.AppointmentMinutes), subject, request.AppointmentPlace,
                        $"Gesprek op {school.Name} over {pupil.FirstName}.", now)]
                    : Array.Empty<EmailAttachment>();
                outbox.Enqueue(step, db, new OutgoingEmail(guardian.Email, subject,
                    TextBody(text, school, coordinator, withLetter, LetterUrl(school.Id)),
                    HtmlBody(html, school, coordinator, withLetter, LetterUrl(school.Id)),
                    EmailRecipientKind.Parent, Template(request))
                {
                    ToName = guardian.Name,
                    ReplyTo = coordinator?.Address,
                    SchoolId = school.Id,
                    CaseId = @case.Id,
                    PupilId = pupil.Id,
                    Attachments = attachments,
                }, run.State.InstanceId);
                queued.Add(guardian.Email);
            }
            if (refused is not null && queued.Count == 0)
            {
                Line($"E-mail aan de ouders van {pupil.FullName} niet verstuurd: {refused}");
                logger.LogWarning("Parents' email of case {CaseId} refused: {Reason}", @case.Id, refused);
                continue;
            }
            if (refused is not null)
                // Rendering differs per guardian only by their name; a refusal after the first is still told.
                Line($"E-mail aan de ouders van {pupil.FullName} niet naar iedereen verstuurd: {refused}");
            var subjectLine = Clean(await ParentsEmailTemplate.RenderAsync(request.Subject, Model(pupil, guardians[0], school, coordinator, appointment, request.AppointmentPlace, LetterUrl(school.Id)), html: false));
            Line($"E-mail \u2018{subjectLine}\u2019 aan de ouders van {pupil.FullName} klaargezet voor verzending naar {string.Join(", ", queued)}" +
                 (withLetter ? ", met de brief aan ouders." : "."));
        }
        if (addressed.Count == 0)
            db.Timeline.Add(new TimelineEntry { CaseId = @case.Id, At = now, Kind = "ParentsEmail", ActorUserId = run.Actor,
                Text = "E-mail aan ouders niet verstuurd: de zaak heeft geen leerling met die rol." });
    }

    /// <summary>
    /// The MDO invitation: one email per person chosen (colleagues, addresses typed in, the bully's
    /// parents when asked), each about the bully only, with the .ics; the timeline names who was invited.
    /// </summary>
    private async Task InviteToMdoAsync(WorkflowDbContext step, WorkflowExecutionContext run, MdoInvitationRequested request, CancellationToken ct)
    {
        var db = appDb.For(step, run);
        var @case = await CaseOfStep.FindAsync(db, run.State.InstanceId, ct);
        if (@case is null) return;
        var now = clock.GetUtcNow();
        void Line(string text) => db.Timeline.Add(new TimelineEntry { CaseId = @case.Id, At = now, Kind = "MdoInvitation", Text = text, ActorUserId = run.Actor });
        var school = await db.Schools.AsNoTracking().FirstAsync(s => s.Id == @case.SchoolId, ct);
        var ids = @case.Pupils.Select(p => p.PupilId).ToList();
        var pupils = await db.Pupils.AsNoTracking().Include(p => p.Guardians).Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var about = @case.Pupils.Where(p => p.Role == PupilRole.Bully && pupils.ContainsKey(p.PupilId)).Select(p => pupils[p.PupilId]).FirstOrDefault();
        if (about is null)
        {
            Line("Uitnodiging MDO niet verstuurd: de zaak heeft geen leerling met de rol pester.");
            return;
        }
        var problems = ParentsEmailTemplate.Problems(request.Subject).Concat(ParentsEmailTemplate.Problems(request.Body)).ToList();
        if (problems.Count > 0)
        {
            Line($"Uitnodiging MDO niet verstuurd: {problems[0]}");
            return;
        }

        // Who: colleagues of this school by id, addresses typed in, the bully's parents when asked.
        var invitees = System.Text.Json.Nodes.JsonNode.Parse(string.IsNullOrWhiteSpace(request.Invitees) ? "{}" : request.Invitees) as System.Text.Json.Nodes.JsonObject ?? [];
        var staffIds = (invitees["staff"] as System.Text.Json.Nodes.JsonArray ?? []).Select(n => (string?)n).OfType<string>().ToList();
        var recipients = new List<(string Name, string Email, EmailRecipientKind Kind)>();
        var colleagues = await db.Users.Where(u => staffIds.Contains(u.Id) && u.SchoolId == school.Id && u.Email != null)
            .OrderBy(u => u.DisplayName).Select(u => new { u.DisplayName, u.Email }).ToListAsync(ct);
        recipients.AddRange(colleagues.Select(u => (u.DisplayName, u.Email!, EmailRecipientKind.Staff)));
        foreach (var text in ((string?)invitees["otherAddresses"] ?? "").Split(['\n', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (MailboxAddress.TryParse(text, out var address) && EmailAddresses.IsDeliverable(address.Address))
                recipients.Add((string.IsNullOrWhiteSpace(address.Name) ? "genodigde" : address.Name, address.Address, EmailRecipientKind.Other));
            else
                Line($"Uitnodiging MDO niet verstuurd naar '{text}': dat is geen e-mailadres.");
        if (invitees["inviteBullyParents"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue(out bool parents) && parents)
            recipients.AddRange(about.Guardians.Where(g => EmailAddresses.IsDeliverable(g.Email))
                .Select(g => (string.IsNullOrWhiteSpace(g.Name) ? "ouder/verzorger" : g.Name, g.Email, EmailRecipientKind.Parent)));
        recipients = recipients.DistinctBy(r => r.Email.ToLowerInvariant()).ToList();
        if (recipients.Count == 0)
        {
            Line("Uitnodiging MDO niet verstuurd: er is niemand gekozen om uit te nodigen.");
            return;
        }

        var coordinator = await CoordinatorAsync(db, school.Id, ct);
        var appointment = ParseAppointment(request.AppointmentAt, TimeZoneInfo.FindSystemTimeZoneById(school.TimeZoneId));
        var others = @case.Pupils.Where(p => p.PupilId != about.Id && pupils.ContainsKey(p.PupilId))
            .Select(p => (pupils[p.PupilId].FirstName, pupils[p.PupilId].FullName)).ToList();
        var queued = new List<string>();
        foreach (var (name, email, kind) in recipients)
        {
            var model = Model(about, new Guardian { Name = name }, school, coordinator, appointment, request.AppointmentPlace, LetterUrl(school.Id));
            var subject = Clean(await ParentsEmailTemplate.RenderAsync(request.Subject, model, html: false));
            var text = (await ParentsEmailTemplate.RenderAsync(request.Body, model, html: false)).Trim();
            if (ParentsEmailTemplate.OtherPupilNamed(subject + "\n" + text, about.FirstName, others) is { } named)
            {
                Line($"Uitnodiging MDO niet verstuurd: de tekst noemt een ander kind van de zaak ({named}). Pas het sjabloon aan in de werkstroom.");
                break;
            }
            var html = await ParentsEmailTemplate.RenderAsync(request.Body, model, html: true);
            EmailAttachment[] attachments = appointment is { } at
                ? [CalendarInvite.Create($"{@case.Id}-{request.ActivityId}-{email.ToLowerInvariant()}@pestworkflows", at, school.TimeZoneId,
                    TimeSpan.FromMinutes(request.AppointmentMinutes), subject, request.AppointmentPlace, $"MDO op {school.Name}.", now)]
                : [];
            outbox.Enqueue(step, db, new OutgoingEmail(email, subject, TextBody(text, school, coordinator, false, null), HtmlBody(html, school, coordinator, false, null),
                kind, $"MdoInvitation:{request.ActivityId}".Length <= 64 ? $"MdoInvitation:{request.ActivityId}" : "MdoInvitation")
            {
                ToName = name, ReplyTo = coordinator?.Address, SchoolId = school.Id, CaseId = @case.Id, PupilId = about.Id, Attachments = attachments,
            }, run.State.InstanceId);
            queued.Add(email);
        }
        if (queued.Count > 0)
            Line($"Uitnodiging MDO over {about.FullName} klaargezet voor verzending naar {string.Join(", ", queued)}.");
    }

    /// <summary>The one pupil, their guardian, the school, the coordinator, the meeting: nothing that can name another child.</summary>
    private static Dictionary<string, object?> Model(Pupil pupil, Guardian guardian, School school, Coordinator? coordinator, DateTime? appointment, string? place, string? letterUrl) => new()
    {
        ["pupil"] = new Dictionary<string, object?> { ["firstName"] = pupil.FirstName, ["name"] = pupil.FullName },
        ["guardian"] = new Dictionary<string, object?> { ["name"] = string.IsNullOrWhiteSpace(guardian.Name) ? "ouder/verzorger" : guardian.Name },
        ["recipient"] = new Dictionary<string, object?> { ["name"] = string.IsNullOrWhiteSpace(guardian.Name) ? "ouder/verzorger" : guardian.Name },
        ["school"] = new Dictionary<string, object?> { ["name"] = school.Name },
        ["coordinator"] = new Dictionary<string, object?> { ["name"] = coordinator?.Name ?? "de anti-pestcoördinator", ["email"] = coordinator?.Email ?? "" },
        ["appointment"] = new Dictionary<string, object?>
        {
            ["date"] = appointment?.ToString("dddd d MMMM yyyy", DutchTime.Culture) ?? "",
            ["time"] = appointment?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "",
            ["place"] = place ?? "",
        },
        ["parentLetterUrl"] = letterUrl ?? "",
    };

    private string? LetterUrl(string schoolId) =>
        configuration["Email:BaseUrl"] is { Length: > 0 } baseUrl ? baseUrl.TrimEnd('/') + ParentLetter.PagePath(schoolId) : null;

    private static string Template(ParentsEmailRequested request)
    {
        var name = $"Parents{request.Kind}:{request.ActivityId}";
        return name.Length <= 64 ? name : name[..64];
    }

    private static string Clean(string subject) => string.Join(' ', subject.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string TextBody(string body, School school, Coordinator? coordinator, bool withLetter, string? letterUrl)
    {
        var text = new StringBuilder(body).Append("\n\n");
        if (withLetter)
        {
            text.Append("-- ").Append(ParentLetter.Title).Append(" --\n\n");
            foreach (var paragraph in ParentLetter.Paragraphs(school.Name)) text.Append(paragraph).Append("\n\n");
            if (letterUrl is not null) text.Append("Deze brief staat ook op ").Append(letterUrl).Append("\n\n");
        }
        text.Append("--\n").Append(school.Name).Append('\n');
        if (coordinator is not null) text.Append("Anti-pestcoördinator: ").Append(coordinator.Name).Append(", ").Append(coordinator.Email).Append('\n');
        text.Append("U kunt op deze e-mail antwoorden.\n");
        return text.ToString();
    }

    private static string HtmlBody(string renderedBody, School school, Coordinator? coordinator, bool withLetter, string? letterUrl)
    {
        static string E(string s) => ParentsEmailTemplate.Html.Encode(s);
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif;line-height:1.5\">");
        // The template's text (values already escaped): blank lines make paragraphs, single ones line breaks.
        foreach (var paragraph in renderedBody.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            html.Append("<p>").Append(paragraph.Replace("\n", "<br>")).Append("</p>");
        if (withLetter)
        {
            html.Append("<hr><h2>").Append(E(ParentLetter.Title)).Append("</h2>");
            foreach (var paragraph in ParentLetter.Paragraphs(school.Name)) html.Append("<p>").Append(E(paragraph)).Append("</p>");
            if (letterUrl is not null) html.Append("<p>Deze brief staat ook op <a href=\"").Append(E(letterUrl)).Append("\">").Append(E(letterUrl)).Append("</a>.</p>");
        }
        html.Append("<hr><footer><p><strong>").Append(E(school.Name)).Append("</strong><br>");
        if (coordinator is not null)
            html.Append("Anti-pestcoördinator: ").Append(E(coordinator.Name)).Append(", <a href=\"mailto:").Append(E(coordinator.Email)).Append("\">").Append(E(coordinator.Email)).Append("</a><br>");
        html.Append("U kunt op deze e-mail antwoorden.</p></footer></body></html>");
        return html.ToString();
    }

    /// <summary>The meeting's moment in school time: a <c>datetime-local</c> value as it is, one with an offset converted.</summary>
    private static DateTime? ParseAppointment(string? value, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (DateTime.TryParseExact(value, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return local;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? TimeZoneInfo.ConvertTime(at, zone).DateTime
            : null;
    }


    private static async Task<Coordinator?> CoordinatorAsync(AppDbContext db, string schoolId, CancellationToken ct) =>
        await (from user in db.Users
               join userRole in db.UserRoles on user.Id equals userRole.UserId
               join role in db.Roles on userRole.RoleId equals role.Id
               where user.SchoolId == schoolId && role.Name == StaffRoles.Coordinator && user.Email != null
               orderby user.DisplayName
               select new Coordinator(user.DisplayName, user.Email!)).FirstOrDefaultAsync(ct);

    private sealed record Coordinator(string Name, string Email)
    {
        public string Address => new MailboxAddress(Name, Email).ToString();
    }
}
