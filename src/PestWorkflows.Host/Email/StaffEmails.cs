using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Email;

/// <summary>
/// Emails to staff about a task: a new task, step 1's reminder, the overdue alert, a task handed to
/// them. As in the safeguarding systems schools trust, such an email carries no case details, only
/// the step's title, its deadline and a link to <c>/taken/{id}</c>: no pupil's name, no signal text
/// (a staff mailbox is read on phones, forwarded, kept for years). The person reads the case after
/// signing in. One email per person, each written in the caller's transaction (a step's, or the
/// assignment's), so what did not commit sends nothing; the caller writes on the timeline who was
/// emailed (<see cref="EmailedLine"/>), from the same list the emails were written for.
/// <para>
/// The link is built from <c>Email:BaseUrl</c>. Without it, in Development, from the address the host
/// listens on (<c>urls</c>, else <see cref="Extensions.DefaultUrl"/>); outside Development the email is
/// still sent (an alert that does not arrive is worse than one without a link) but says to open
/// PestWorkflows and look under "Mijn taken", and the host logs a warning.
/// </para>
/// </summary>
public sealed class StaffEmails(EmailOutbox outbox, IOptions<EmailLinkOptions> options, IConfiguration configuration, IHostEnvironment environment, ILogger<StaffEmails> logger)
{
    private int _warnedAboutBaseUrl;

    /// <summary>
    /// The staff of the school an email goes to: the one person when <paramref name="userId"/> is
    /// given, else everyone with <paramref name="role"/>; accounts without an email address are left out.
    /// </summary>
    public static async Task<IReadOnlyList<StaffRecipient>> RecipientsAsync(AppDbContext db, string schoolId, string? userId, string? role, CancellationToken ct)
    {
        var users = db.Users.Where(u => u.SchoolId == schoolId && u.Email != null && u.Email != "");
        if (!string.IsNullOrEmpty(userId))
            users = users.Where(u => u.Id == userId);
        else if (!string.IsNullOrEmpty(role))
            users = from u in users
                    where db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == role))
                    select u;
        else
            return [];
        var rows = await users.Select(u => new { u.Id, u.Email, u.DisplayName }).ToListAsync(ct);
        return rows.OrderBy(u => u.DisplayName, StringComparer.Create(DutchTime.Culture, ignoreCase: true))
            .Select(u => new StaffRecipient(u.Id, u.Email!, string.IsNullOrWhiteSpace(u.DisplayName) ? u.Email! : u.DisplayName)).ToList();
    }

    /// <summary>Inside a workflow step, as it is prepared: one email per recipient, written with the step.</summary>
    public async Task SendInStepAsync(WorkflowDbContext step, AppDbContext db, StaffNotice notice, IReadOnlyList<StaffRecipient> recipients, string workflowInstanceId, CancellationToken ct)
    {
        if (recipients.Count == 0) return;
        var school = await SchoolNameAsync(db, notice.SchoolId, ct);
        notice = await WithoutPupilNamesAsync(db, notice, ct);
        foreach (var recipient in recipients)
            outbox.Enqueue(step, db, Compose(notice, recipient, school), workflowInstanceId);
    }

    /// <summary>Outside a step: within <paramref name="db"/>'s current transaction; the caller commits and then calls <see cref="EmailOutbox.Wake"/>.</summary>
    public async Task SendAsync(AppDbContext db, StaffNotice notice, IReadOnlyList<StaffRecipient> recipients, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Staff emails outside a step are written in the caller's transaction, with what they are about.");
        if (recipients.Count == 0) return;
        var school = await SchoolNameAsync(db, notice.SchoolId, ct);
        notice = await WithoutPupilNamesAsync(db, notice, ct);
        foreach (var recipient in recipients)
            await outbox.EnqueueAsync(db, Compose(notice, recipient, school), ct);
    }

    public void Wake() => outbox.Wake();

    /// <summary>
    /// The timeline's words for who was emailed: exactly <paramref name="recipients"/> (the people an
    /// email row was written for), or that nobody was, and why.
    /// </summary>
    public static string EmailedLine(StaffNoticeKind kind, IReadOnlyList<StaffRecipient> recipients, string? role)
    {
        var names = Names(recipients);
        var group = RoleLabels.Dutch(role) ?? "medewerker";
        return (kind, recipients.Count) switch
        {
            (StaffNoticeKind.Reminder, 0) => $"Er is geen {Singular(role)} met een account en e-mailadres op deze school; niemand kreeg een herinnering per e-mail.",
            (StaffNoticeKind.Reminder, _) => $"De {group} ({names}) {Verb(recipients)} per e-mail herinnerd.",
            (StaffNoticeKind.Overdue, 0) => $"Er is geen {Singular(role)} met een account en e-mailadres op deze school; niemand is per e-mail gewaarschuwd.",
            (StaffNoticeKind.Overdue, _) => $"De {group} ({names}) {Verb(recipients)} per e-mail gewaarschuwd.",
            (StaffNoticeKind.NewTask, 0) => role is null
                ? "Niemand kreeg een e-mail over deze taak: de medewerker heeft geen e-mailadres."
                : $"Niemand kreeg een e-mail over deze taak: er is geen {Singular(role)} met een account en e-mailadres op deze school.",
            (StaffNoticeKind.NewTask, _) => $"Nieuwe taak per e-mail gemeld aan {names}.",
            (_, 0) => "Niemand kreeg hierover een e-mail.",
            _ => $"{names} {Verb(recipients)} per e-mail op de hoogte gebracht.",
        };
    }

    /// <summary>The timeline's words for a reminder that came due only after the deadline had passed.</summary>
    public const string LateReminderLine = "Niemand kreeg een herinnering per e-mail: de deadline was al voorbij.";

    private static string Verb(IReadOnlyList<StaffRecipient> recipients) => recipients.Count == 1 ? "is" : "zijn";

    private static string Singular(string? role) => role switch
    {
        Activities.Tasks.StaffRoles.Leader => "directielid",
        Activities.Tasks.StaffRoles.Teacher => "leerkracht",
        _ => RoleLabels.Dutch(role) ?? "medewerker",
    };

    private static string Names(IReadOnlyList<StaffRecipient> recipients) => recipients.Count switch
    {
        0 => "",
        1 => recipients[0].Name,
        _ => string.Join(", ", recipients.Take(recipients.Count - 1).Select(r => r.Name)) + " en " + recipients[^1].Name,
    };

    /// <summary>Said instead of a step title that names a pupil of the case.</summary>
    public const string TitleLeftOut = "(titel weggelaten: hij noemt een leerling)";

    /// <summary>
    /// A step's title is the designer's text, and an expression there could put a pupil's name in it:
    /// such a title is left out of the email rather than sent.
    /// </summary>
    private static async Task<StaffNotice> WithoutPupilNamesAsync(AppDbContext db, StaffNotice notice, CancellationToken ct)
    {
        // A case reported in this very step has its pupils in the context only, not yet in the database.
        var added = db.ChangeTracker.Entries<CasePupil>().Where(e => e.State == EntityState.Added && e.Entity.CaseId == notice.CaseId)
            .Select(e => e.Entity.PupilId).ToList();
        var names = added.Count > 0
            ? await db.Pupils.Where(p => added.Contains(p.Id)).Select(p => new { p.FirstName, p.LastName }).ToListAsync(ct)
            : await (from cp in db.CasePupils
                     join p in db.Pupils on cp.PupilId equals p.Id
                     where cp.CaseId == notice.CaseId
                     select new { p.FirstName, p.LastName }).ToListAsync(ct);
        var named = names.SelectMany(n => new[] { n.FirstName, n.LastName }).Where(w => !string.IsNullOrWhiteSpace(w))
            .Any(w => Regex.IsMatch(notice.StepTitle, $@"\b{Regex.Escape(w.Trim())}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));
        return named ? notice with { StepTitle = TitleLeftOut } : notice;
    }

    private static async Task<string> SchoolNameAsync(AppDbContext db, string schoolId, CancellationToken ct) =>
        await db.Schools.Where(s => s.Id == schoolId).Select(s => s.Name).FirstOrDefaultAsync(ct) ?? "";

    /// <summary>The email itself: only the step's title, its deadline and the link; nothing a person typed into the case.</summary>
    public OutgoingEmail Compose(StaffNotice notice, StaffRecipient to, string schoolName)
    {
        var (subject, opening) = notice.Kind switch
        {
            StaffNoticeKind.NewTask => ("Nieuwe taak in PestWorkflows", "Er staat een nieuwe taak voor je klaar in PestWorkflows."),
            StaffNoticeKind.Reminder => ("Herinnering: een taak in PestWorkflows moet binnenkort af", "Een taak in PestWorkflows is nog niet afgerond en de deadline komt dichtbij."),
            StaffNoticeKind.Overdue => ("Te laat: een taak in PestWorkflows is niet op tijd afgerond", "Een taak in PestWorkflows is niet op tijd afgerond; de zaak staat als te laat gemarkeerd."),
            _ => ("Een taak in PestWorkflows is aan jou toegewezen", "Er is een taak in PestWorkflows aan jou (of aan jouw rol) toegewezen."),
        };
        var link = TaskLink(notice.TaskId);
        var deadline = notice.DueAt is { } due ? DutchTime.Short(due) : null;
        const string privacy = "Om de leerlingen te beschermen staan er in deze e-mail geen gegevens over de zaak. Je leest ze in PestWorkflows, na het inloggen.";
        var footer = string.IsNullOrWhiteSpace(schoolName) ? "PestWorkflows" : $"{schoolName} · PestWorkflows";

        var text = $"Beste {to.Name},\n\n{opening}\n\nTaak: {notice.StepTitle}\n"
            + (deadline is null ? "" : $"Deadline: {deadline}\n")
            + (link is null ? "\nOpen PestWorkflows en kijk bij 'Mijn taken'.\n" : $"\nOpen de taak: {link}\n")
            + $"\n{privacy}\n\n-- \n{footer}\n";
        Func<string, string> e = WebUtility.HtmlEncode;
        var html = $"<p>Beste {e(to.Name)},</p><p>{e(opening)}</p><p>Taak: <strong>{e(notice.StepTitle)}</strong>"
            + (deadline is null ? "" : $"<br>Deadline: {e(deadline)}")
            + "</p>"
            + (link is null ? "<p>Open PestWorkflows en kijk bij ‘Mijn taken’.</p>" : $"<p><a href=\"{e(link)}\">Open de taak</a></p>")
            + $"<p>{e(privacy)}</p><hr><p style=\"color:#555;font-size:90%\">{e(footer)}</p>";
        return new OutgoingEmail(to.Email, subject, text, html, EmailRecipientKind.Staff, "Staff" + notice.Kind)
        {
            ToName = to.Name,
            SchoolId = notice.SchoolId,
            CaseId = notice.CaseId,
        };
    }

    private string? TaskLink(string taskId)
    {
        var baseUrl = BaseUrl();
        return baseUrl is null ? null : $"{baseUrl}/taken/{Uri.EscapeDataString(taskId)}";
    }

    private string? BaseUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.BaseUrl)) return options.Value.BaseUrl.Trim().TrimEnd('/');
        if (environment.IsDevelopment())
        {
            var first = configuration[WebHostDefaults.ServerUrlsKey]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                ?? Extensions.DefaultUrl;
            // A wildcard is where the host listens, not an address a browser can open.
            return first.Replace("://*", "://localhost").Replace("://+", "://localhost").Replace("://0.0.0.0", "://localhost").TrimEnd('/');
        }
        if (Interlocked.Exchange(ref _warnedAboutBaseUrl, 1) == 0)
            logger.LogWarning("Email:BaseUrl is not set: emails to staff are sent without a link to the task (set it to where staff reach the host)");
        return null;
    }
}
