using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// Sends one email of the outbox and records every attempt on the email.
/// <para>
/// Exactly once where it can be known, at most once where it cannot: the attempt is recorded (and
/// committed) right before the message is handed to the server, after connecting. When the outbox
/// hands the email over again and finds that attempt still open, the process stopped while the
/// server was receiving it, and the handler reconciles: a destination that can be asked (the local
/// mailbox) decides between "delivered" and "send again"; an SMTP server cannot be asked, so the
/// email becomes <see cref="EmailStatus.Uncertain"/> and is not sent again by itself (a person can
/// resend it from the case's emails, as a new message with its own Message-Id: see <see cref="CaseEmails"/>). A stop before that point (while connecting) leaves no open attempt: the email is simply
/// sent on the next attempt. A refusal (5xx) fails it for good; a server that cannot be reached or
/// answers 4xx is tried again later, with the outbox's growing delay.
/// </para>
/// </summary>
public sealed class EmailOutboxHandler(
    IServiceScopeFactory scopes,
    IEmailTransport transport,
    TimeProvider clock,
    IOptions<WorkflowEngineOptions> engine,
    ILogger<EmailOutboxHandler> logger) : IOutboxHandler
{
    public const string TypeName = "Email";

    public string Type => TypeName;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var emailId = EmailOutbox.EmailIdOf(message);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var email = await db.Emails.Include(e => e.AttemptLog).Include(e => e.Attachments).AsSplitQuery().SingleOrDefaultAsync(e => e.Id == emailId, ct)
            ?? throw new OutboxPermanentFailureException($"Email {emailId} does not exist.");
        if (email.Status is EmailStatus.Sent or EmailStatus.Failed or EmailStatus.Uncertain or EmailStatus.Resent) return;

        if (email.AttemptLog.FirstOrDefault(a => a.Outcome == EmailAttemptOutcome.InProgress) is { } open)
        {
            var delivered = await transport.HasAsync(email.MessageId, ct);
            var now = clock.GetUtcNow();
            open.FinishedAt = now;
            if (delivered is null or true)
            {
                open.Outcome = delivered is true ? EmailAttemptOutcome.Accepted : EmailAttemptOutcome.Unknown;
                email.Status = delivered is true ? EmailStatus.Sent : EmailStatus.Uncertain;
                email.SentAt = delivered is true ? open.StartedAt : null;
                email.NextAttemptAt = null;
                if (delivered is null)
                    email.LastError = open.Error = "Onderbroken terwijl de mailserver het bericht ontving; mogelijk is het verzonden. Niet opnieuw verstuurd.";
                await db.SaveChangesAsync(ct);
                logger.LogWarning("Email {EmailId} was being handed over when the process stopped: {Status}", email.Id, email.Status);
                return;
            }
            open.Outcome = EmailAttemptOutcome.Interrupted;
            open.Error = "Onderbroken voordat het bericht was afgeleverd.";
            await db.SaveChangesAsync(ct);
        }

        var attempt = new EmailAttempt { EmailId = email.Id, Number = email.Attempts + 1, StartedAt = clock.GetUtcNow(), Outcome = EmailAttemptOutcome.InProgress };
        var handedOver = false;
        try
        {
            await transport.SendAsync(EmailComposer.Compose(email), async token =>
            {
                attempt.StartedAt = clock.GetUtcNow();
                email.AttemptLog.Add(attempt);
                email.Attempts = attempt.Number;
                email.Status = EmailStatus.Sending;
                await db.SaveChangesAsync(token);
                handedOver = true;
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (await RecordFailureAsync(db, email, attempt, handedOver, e, message)) return;
            throw Classify(e);
        }

        var sent = clock.GetUtcNow();
        attempt.Outcome = EmailAttemptOutcome.Accepted;
        attempt.FinishedAt = sent;
        email.Status = EmailStatus.Sent;
        email.SentAt = sent;
        email.NextAttemptAt = null;
        // Not cancellable: the server has the message, so this must be written.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Records how the attempt failed; true when the email may have reached the server (then it is not retried).</summary>
    private async Task<bool> RecordFailureAsync(AppDbContext db, EmailMessage email, EmailAttempt attempt, bool handedOver, Exception e, OutboxMessage message)
    {
        if (!email.AttemptLog.Contains(attempt))
        {
            email.AttemptLog.Add(attempt);
            email.Attempts = attempt.Number;
        }
        attempt.FinishedAt = clock.GetUtcNow();
        attempt.Error = email.LastError = Describe(e);
        var uncertain = false;
        if (IsPermanent(e))
        {
            attempt.Outcome = EmailAttemptOutcome.Rejected;
            email.Status = EmailStatus.Failed;
            email.NextAttemptAt = null;
        }
        else if (handedOver && e is not SmtpCommandException)
        {
            // The connection broke while the server was receiving: it may have accepted the message.
            attempt.Outcome = EmailAttemptOutcome.Unknown;
            email.Status = EmailStatus.Uncertain;
            email.NextAttemptAt = null;
            uncertain = true;
        }
        else
        {
            var giveUp = message.Attempt >= engine.Value.OutboxMaxAttempts;
            attempt.Outcome = EmailAttemptOutcome.Deferred;
            email.Status = giveUp ? EmailStatus.Failed : EmailStatus.Queued;
            email.NextAttemptAt = giveUp ? null : message.RetryAt;
        }
        // Not cancellable: the attempt happened.
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning(e, "Email {EmailId} attempt {Attempt}: {Outcome}", email.Id, attempt.Number, attempt.Outcome);
        return uncertain;
    }

    /// <summary>What went wrong, for the people who look at the email's attempts.</summary>
    private static string Describe(Exception e) => e switch
    {
        SmtpCommandException c when (int)c.StatusCode >= 500 => $"De mailserver weigert het bericht ({(int)c.StatusCode}): {c.Message}",
        SmtpCommandException c => $"De mailserver kan het bericht nu niet aannemen ({(int)c.StatusCode}): {c.Message}",
        System.Net.Sockets.SocketException or IOException or SmtpProtocolException or TimeoutException => $"De mailserver is niet bereikbaar: {e.Message}",
        MailKit.Security.AuthenticationException => $"Aanmelden bij de mailserver mislukt: {e.Message}",
        _ => $"Versturen mislukt: {e.Message}",
    };

    private static bool IsPermanent(Exception e) => e is SmtpCommandException command && (int)command.StatusCode >= 500;

    private static Exception Classify(Exception e) => IsPermanent(e) ? new OutboxPermanentFailureException(e.Message, e) : e;
}
