using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Email;

/// <summary>
/// The emails of a case for the coordinator, the leader and the admin (<see cref="AccessRules.MaySeeCaseEmails"/>):
/// the list with Dutch statuses, one email with its text and attempts, and sending a failed or uncertain one
/// again, after correcting the parent's address when that was the problem.
/// </summary>
public sealed class CaseEmails(AppDbContext db, StaffAccess access, EmailOutbox outbox, Audit.AuditTrail audit, TimeProvider clock)
{
    /// <summary>Every email of the case, oldest first; null when there is no such case for this person's eyes.</summary>
    public async Task<IReadOnlyList<CaseEmailDto>?> ListAsync(Staff staff, string caseId, CancellationToken ct)
    {
        if (await CaseAsync(staff, caseId, ct) is null) return null;
        var emails = await access.CaseEmails(staff).AsNoTracking().Include(e => e.AttemptLog)
            .Where(e => e.CaseId == caseId).ToListAsync(ct);
        var pupils = await PupilNamesAsync(staff, emails, ct);
        return emails.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Select(e => Row(e, pupils)).ToList();
    }

    /// <summary>One email of the case with its text and attempts; null when not found for this person.</summary>
    public async Task<CaseEmailDetails?> GetAsync(Staff staff, string caseId, string emailId, CancellationToken ct)
    {
        if (await CaseAsync(staff, caseId, ct) is null) return null;
        var email = await access.CaseEmails(staff).AsNoTracking().Include(e => e.AttemptLog)
            .FirstOrDefaultAsync(e => e.Id == emailId && e.CaseId == caseId, ct);
        if (email is null) return null;
        var pupils = await PupilNamesAsync(staff, [email], ct);
        return new CaseEmailDetails(Row(email, pupils), caseId, email.MessageId, email.ReplyTo, email.TextBody,
            email.AttemptLog.OrderBy(a => a.Number).Select(a => new EmailAttemptDto(a.Number, a.StartedAt, a.FinishedAt, a.Outcome.ToString(), OutcomeText(a.Outcome), a.Error)).ToList());
    }

    /// <summary>
    /// Sends a <see cref="EmailStatus.Failed"/> or <see cref="EmailStatus.Uncertain"/> email again as a new
    /// message (own Message-Id); the old one becomes <see cref="EmailStatus.Resent"/> and stays as history.
    /// A <paramref name="newAddress"/> other than the old one corrects the address of the guardian it was sent
    /// to (the email's pupil's guardian with that address, same school) and goes there. Resending, the
    /// guardian's address and the timeline line commit together, with the copy in the outbox.
    /// </summary>
    public async Task<EmailResendResult> ResendAsync(Staff staff, string caseId, string emailId, string? newAddress, CancellationToken ct)
    {
        if (await CaseAsync(staff, caseId, ct) is null) return new(EmailResendStatus.NotFound);
        var email = await access.CaseEmails(staff).AsNoTracking().FirstOrDefaultAsync(e => e.Id == emailId && e.CaseId == caseId, ct);
        if (email is null) return new(EmailResendStatus.NotFound);
        if (NotResendable(email) is { } refusal) return new(EmailResendStatus.NotResendable, refusal);

        var address = string.IsNullOrWhiteSpace(newAddress) ? email.To : newAddress.Trim();
        var corrected = !string.Equals(address, email.To, StringComparison.OrdinalIgnoreCase);
        List<Schools.Guardian> guardians = [];
        if (corrected)
        {
            if (!EmailAddresses.IsDeliverable(address))
                return new(EmailResendStatus.InvalidAddress, "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.");
            if (email.RecipientKind != EmailRecipientKind.Parent || email.PupilId is null)
                return new(EmailResendStatus.InvalidAddress, "Alleen het adres van een ouder kan hier worden verbeterd; dit bericht gaat opnieuw naar hetzelfde adres of niet.");
            var pupilOfSchool = await db.Pupils.AnyAsync(p => p.Id == email.PupilId && p.SchoolId == staff.SchoolId, ct);
            guardians = pupilOfSchool
                ? (await db.Guardians.Where(g => g.PupilId == email.PupilId).ToListAsync(ct)).Where(g => string.Equals(g.Email, email.To, StringComparison.OrdinalIgnoreCase)).ToList()
                : [];
            if (guardians.Count == 0)
                return new(EmailResendStatus.InvalidAddress, "Bij deze leerling staat geen ouder (meer) met het adres waar dit bericht heen ging; het adres kan hier niet worden verbeterd.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The status decides between two resends of one email (two clicks, two coordinators): one wins.
        var claimed = await db.Emails
            .Where(e => e.Id == email.Id && (e.Status == EmailStatus.Failed || e.Status == EmailStatus.Uncertain))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Resent), ct);
        if (claimed == 0) return new(EmailResendStatus.NotResendable, "Dit bericht is intussen al opnieuw verstuurd.");

        foreach (var guardian in guardians) guardian.Email = address;
        // An invitation's .ics goes again with it.
        var attachments = await db.EmailAttachments.AsNoTracking().Where(a => a.EmailId == email.Id).ToListAsync(ct);
        var copy = await outbox.EnqueueAsync(db, new OutgoingEmail(address, email.Subject, email.TextBody, email.HtmlBody, email.RecipientKind, email.Template)
        {
            ToName = email.ToName,
            ReplyTo = email.ReplyTo,
            SchoolId = email.SchoolId,
            CaseId = email.CaseId,
            PupilId = email.PupilId,
            Attachments = attachments,
        }, ct);
        // The timeline is read by every teacher who sees the case: who it was for, never the address.
        db.Timeline.Add(new TimelineEntry
        {
            CaseId = caseId,
            At = clock.GetUtcNow(),
            Kind = "EmailResent",
            Text = await TimelineTextAsync(email, corrected, ct),
            ActorUserId = staff.Id,
        });
        audit.Add(db, staff, Audit.AuditActions.EmailResent, Audit.AuditResource.Email(caseId, email.Id));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        outbox.Wake();
        return new(EmailResendStatus.Resent, NewEmailId: copy.Id);
    }

    /// <summary>Why this email cannot be sent again (Dutch), or null when it can.</summary>
    public static string? NotResendable(EmailMessage email) => email.Status switch
    {
        _ when email.To.Length == 0 => "De gegevens van dit bericht zijn verwijderd na de bewaartermijn; het kan niet opnieuw worden verstuurd.",
        EmailStatus.Failed or EmailStatus.Uncertain => null,
        EmailStatus.Sent => "Dit bericht is verstuurd; het kan niet opnieuw worden verstuurd.",
        EmailStatus.Resent => "Dit bericht is al opnieuw verstuurd.",
        _ => "Dit bericht staat nog in de wachtrij; het wordt vanzelf verstuurd.",
    };


    /// <summary>Where the email is, in Dutch: "In de wachtrij", "Verstuurd op …", "Mislukt: reden", "Onzeker: mogelijk niet aangekomen".</summary>
    public static string StatusText(EmailMessage email) => email.Status switch
    {
        EmailStatus.Queued or EmailStatus.Sending => "In de wachtrij",
        EmailStatus.Sent => "Verstuurd op " + (email.SentAt is { } sent ? DutchTime.Short(sent) : "onbekend moment"),
        EmailStatus.Failed => Failed(email),
        EmailStatus.Uncertain => Uncertain,
        // Resent keeps what went wrong: the last attempt says whether it failed or was cut short.
        EmailStatus.Resent => (email.AttemptLog.OrderBy(a => a.Number).LastOrDefault()?.Outcome == EmailAttemptOutcome.Unknown ? Uncertain : Failed(email)) + " · opnieuw verstuurd",
        _ => email.Status.ToString(),
    };

    private const string Uncertain = "Onzeker: mogelijk niet aangekomen";

    private static string Failed(EmailMessage email) => "Mislukt: " + (email.LastError ?? "reden onbekend");

    public static string OutcomeText(EmailAttemptOutcome outcome) => outcome switch
    {
        EmailAttemptOutcome.Reserved => "Klaargezet om te versturen",
        EmailAttemptOutcome.InProgress => "Bezig",
        EmailAttemptOutcome.Accepted => "Aangenomen door de mailserver",
        EmailAttemptOutcome.Deferred => "Uitgesteld, later opnieuw geprobeerd",
        EmailAttemptOutcome.Rejected => "Geweigerd door de mailserver",
        EmailAttemptOutcome.Unknown => "Onderbroken; mogelijk aangekomen",
        EmailAttemptOutcome.Interrupted => "Onderbroken voordat het bericht was afgeleverd",
        _ => outcome.ToString(),
    };

    private async Task<Case?> CaseAsync(Staff staff, string caseId, CancellationToken ct)
    {
        var @case = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.Id == caseId && c.SchoolId == staff.SchoolId, ct);
        return @case is not null && AccessRules.MaySeeCaseEmails(staff, @case) ? @case : null;
    }

    private async Task<Dictionary<string, string>> PupilNamesAsync(Staff staff, IEnumerable<EmailMessage> emails, CancellationToken ct)
    {
        var ids = emails.Select(e => e.PupilId).OfType<string>().Distinct().ToList();
        return (await db.Pupils.AsNoTracking().Where(p => ids.Contains(p.Id) && p.SchoolId == staff.SchoolId)
            .Select(p => new { p.Id, p.FirstName, p.LastName }).ToListAsync(ct))
            .ToDictionary(p => p.Id, p => $"{p.FirstName} {p.LastName}");
    }

    private async Task<string> TimelineTextAsync(EmailMessage email, bool corrected, CancellationToken ct)
    {
        var to = email.RecipientKind switch
        {
            EmailRecipientKind.Parent when email.PupilId is not null =>
                "de ouders van " + (await db.Pupils.AsNoTracking().Where(p => p.Id == email.PupilId).Select(p => p.FirstName + " " + p.LastName).FirstOrDefaultAsync(ct) ?? "een leerling"),
            EmailRecipientKind.Parent => "ouders",
            EmailRecipientKind.Staff => email.ToName ?? "een collega",
            _ => email.ToName ?? "een ontvanger",
        };
        return $"E-mail aan {to} opnieuw verstuurd{(corrected ? " naar een verbeterd adres" : "")}.";
    }

    private static CaseEmailDto Row(EmailMessage e, IReadOnlyDictionary<string, string> pupils) => new(
        e.Id, e.To, e.ToName, e.RecipientKind.ToString(), e.PupilId, e.PupilId is { } p ? pupils.GetValueOrDefault(p) : null,
        e.Template, e.Subject, e.Status.ToString(), StatusText(e), e.Attempts, e.CreatedAt, e.SentAt, e.LastError,
        NotResendable(e) is null, $"/zaken/{Uri.EscapeDataString(e.CaseId ?? "")}/emails/{Uri.EscapeDataString(e.Id)}");
}
