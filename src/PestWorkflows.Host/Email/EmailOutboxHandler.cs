using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// Sends the emails of the outbox, a batch at a time over one connection, and records every attempt on its email.
/// <para>
/// Exactly once where it can be known, at most once where it cannot. Per batch of
/// <see cref="ChunkSize"/> emails one commit records an attempt <see cref="EmailAttemptOutcome.Reserved"/> for
/// each (together with the outcomes of the chunk before); then the emails go out one after another on the
/// session's connection. Right before a message's content is sent (the server has accepted its recipient)
/// a light commit moves its attempt to <see cref="EmailAttemptOutcome.InProgress"/>, and right after the
/// server's answer another moves it to its outcome (<see cref="EmailAttemptMarks"/>: no fsync, kept through a
/// crash of the process). So at any moment at most one message of a connection is "maybe with the server".
/// </para>
/// <para>
/// When the outbox hands an email over again (the process stopped, its claim ran out) the handler
/// reconciles its open attempt: <see cref="EmailAttemptOutcome.Reserved"/> was never handed over and is sent
/// now, if the light commits survived (same boot of the machine; see <see cref="EmailAttempt.MarksBoot"/>);
/// an outcome the light commit recorded is finished; <see cref="EmailAttemptOutcome.InProgress"/> was being
/// handed over: a destination that can be asked (the local mailbox) decides between "delivered" and "send
/// again"; an SMTP server cannot be asked, so the email becomes <see cref="EmailStatus.Uncertain"/> and is not
/// sent again by itself (a person can resend it from the case's emails, as a new message with its own
/// Message-Id: see <see cref="CaseEmails"/>). After a crash of the process that is at most one email per
/// batch; after a crash of the machine (the light commits may be lost) at most the <see cref="ChunkSize"/>
/// emails of the chunk being sent, never one that is sent twice.
/// </para>
/// <para>
/// A refusal (5xx) fails that email for good, and the batch goes on with the next on a new connection; a
/// server that cannot be reached or answers 4xx defers that email to a later attempt with the outbox's
/// growing delay. A connection that breaks before a message's content was sent leaves it deferred, not
/// uncertain; the next message connects again.
/// </para>
/// </summary>
public sealed class EmailOutboxHandler(
    IServiceScopeFactory scopes,
    IEmailTransport transport,
    TimeProvider clock,
    IOptions<WorkflowEngineOptions> engine,
    ILogger<EmailOutboxHandler> logger) : IOutboxBatchHandler
{
    public const string TypeName = "Email";

    /// <summary>
    /// Emails reserved by one commit: the most that can become uncertain when the machine (not just the
    /// process) stops while a batch is sent, and the number of emails one commit of outcomes covers.
    /// </summary>
    public const int ChunkSize = 25;

    private const string NeverHandedOver = "Onderbroken voordat het bericht was afgeleverd.";
    private const string MaybeSent = "Onderbroken terwijl de mailserver het bericht ontving; mogelijk is het verzonden. Niet opnieuw verstuurd.";

    public string Type => TypeName;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var result = (await HandleBatchAsync([message], ct))[0];
        if (result.Kind == OutboxResultKind.Failed) throw new OutboxPermanentFailureException(result.Error ?? "");
        if (result.Kind == OutboxResultKind.Retry) throw new InvalidOperationException(result.Error);
    }

    public async Task<IReadOnlyList<OutboxResult>> HandleBatchAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        var results = new OutboxResult[messages.Count];
        var emailIds = new string?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            try { emailIds[i] = EmailOutbox.EmailIdOf(messages[i]); }
            catch (Exception e) when (e is OutboxPermanentFailureException or System.Text.Json.JsonException) { results[i] = OutboxResult.Fail(e.Message); }
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var marks = await EmailAttemptMarks.OpenAsync(db, ct);
        var writes = new EmailBatchWrites(db);
        var wanted = emailIds.OfType<string>().Distinct().ToList();
        // Not tracked: the batch writes set-based (EmailBatchWrites); reconciling attaches what it changes.
        var emails = await db.Emails.AsNoTracking().Include(e => e.AttemptLog).Include(e => e.Attachments).AsSplitQuery()
            .Where(e => wanted.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);

        var toSend = new List<int>();
        var once = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            if (emailIds[i] is not { } id) continue;
            // Two rows naming one email (EmailOutbox writes one): the email is sent for the first only.
            if (!once.Add(id)) { results[i] = OutboxResult.Done; continue; }
            if (!emails.TryGetValue(id, out var email)) { results[i] = OutboxResult.Fail($"Email {id} does not exist."); continue; }
            if (await ReconcileAsync(db, marks, email, ct) is { } settled) { results[i] = settled; continue; }
            toSend.Add(i);
        }
        if (toSend.Count == 0)
        {
            await writes.CommitAsync([], []);
            return results;
        }

        await using var session = await transport.OpenSessionAsync(ct);
        var finished = new List<(EmailMessage Email, EmailAttempt Attempt, bool Marked)>(ChunkSize);
        foreach (var chunk in toSend.Chunk(ChunkSize))
        {
            var now = clock.GetUtcNow();
            var reserve = new List<(EmailMessage Email, EmailAttempt Attempt)>(chunk.Length);
            foreach (var i in chunk)
            {
                var email = emails[emailIds[i]!];
                reserve.Add((email, new EmailAttempt { EmailId = email.Id, Number = email.Attempts + 1, StartedAt = now, Outcome = EmailAttemptOutcome.Reserved, MarksBoot = marks.Boot }));
            }
            // One commit: the outcomes of the chunk before and this chunk's reservations.
            await writes.CommitAsync(finished, reserve);
            finished.Clear();
            foreach (var (email, attempt) in reserve)
            {
                email.Attempts = attempt.Number;
                email.Status = EmailStatus.Sending;
            }
            for (var j = 0; j < chunk.Length; j++)
            {
                var i = chunk[j];
                var (email, attempt) = reserve[j];
                // Shutting down, or the claim is running out (a slow server): the rest waits for the next attempt.
                if (ct.IsCancellationRequested || clock.GetUtcNow() > messages[i].StartBy)
                {
                    results[i] = Interrupt(email, attempt);
                    finished.Add((email, attempt, false));
                    continue;
                }
                var (result, marked) = await SendAsync(session, marks, email, attempt, messages[i], ct);
                results[i] = result;
                // Taken over by another dispatcher: this batch writes nothing more about it.
                if (marked is { } m) finished.Add((email, attempt, m));
            }
        }
        // Not cancellable: the attempts happened.
        await writes.CommitAsync(finished, []);
        ct.ThrowIfCancellationRequested();
        return results;
    }

    /// <summary>Settles what an earlier attempt left open; null when the email is to be sent now.</summary>
    private async Task<OutboxResult?> ReconcileAsync(AppDbContext db, EmailAttemptMarks marks, EmailMessage email, CancellationToken ct)
    {
        if (email.Status is EmailStatus.Sent or EmailStatus.Failed or EmailStatus.Uncertain or EmailStatus.Resent) return OutboxResult.Done;
        var last = email.AttemptLog.OrderBy(a => a.Number).LastOrDefault();
        if (last is null) return null;
        // Loaded without tracking; what is settled here is saved with the batch's first commit.
        db.Attach(email);
        var now = clock.GetUtcNow();
        switch (last.Outcome)
        {
            case EmailAttemptOutcome.Reserved when EmailAttemptMarks.Survived(last.MarksBoot):
                // Never handed over. Conditional, so a dispatcher still sending this batch cannot hand it over after this.
                if (!await marks.MoveAsync(last.Id, EmailAttemptOutcome.Reserved, EmailAttemptOutcome.Interrupted, NeverHandedOver, now, ct))
                {
                    db.Entry(email).State = EntityState.Detached;
                    return OutboxResult.Retry("Another dispatcher is sending this email.");
                }
                last.Outcome = EmailAttemptOutcome.Interrupted;
                last.Error = NeverHandedOver;
                last.FinishedAt = now;
                return null;
            case EmailAttemptOutcome.Reserved:
            case EmailAttemptOutcome.InProgress:
            {
                var delivered = await transport.HasAsync(email.MessageId, ct);
                last.FinishedAt = now;
                if (delivered is false)
                {
                    last.Outcome = EmailAttemptOutcome.Interrupted;
                    last.Error = NeverHandedOver;
                    return null;
                }
                last.Outcome = delivered is true ? EmailAttemptOutcome.Accepted : EmailAttemptOutcome.Unknown;
                email.Status = delivered is true ? EmailStatus.Sent : EmailStatus.Uncertain;
                email.SentAt = delivered is true ? last.StartedAt : null;
                email.NextAttemptAt = null;
                if (delivered is null) email.LastError = last.Error = MaybeSent;
                logger.LogWarning("Email {EmailId} was being handed over when the process stopped: {Status}", email.Id, email.Status);
                return OutboxResult.Done;
            }
        }
        if (email.Status != EmailStatus.Sending) return null;
        // The light commit of its outcome survived, the batch's commit did not: finish what it says.
        last.FinishedAt ??= now;
        switch (last.Outcome)
        {
            case EmailAttemptOutcome.Accepted:
                email.Status = EmailStatus.Sent;
                email.SentAt = last.StartedAt;
                email.NextAttemptAt = null;
                return OutboxResult.Done;
            case EmailAttemptOutcome.Rejected:
                email.Status = EmailStatus.Failed;
                email.LastError = last.Error;
                email.NextAttemptAt = null;
                return OutboxResult.Fail(last.Error ?? "Rejected");
            case EmailAttemptOutcome.Unknown:
                email.Status = EmailStatus.Uncertain;
                email.LastError = last.Error ?? MaybeSent;
                email.NextAttemptAt = null;
                return OutboxResult.Done;
            default:
                return null;
        }
    }

    /// <summary>Sends one reserved email; <c>Marked</c>: whether a mark wrote its outcome, null when another dispatcher took it over.</summary>
    private async Task<(OutboxResult Result, bool? Marked)> SendAsync(IEmailSession session, EmailAttemptMarks marks, EmailMessage email, EmailAttempt attempt, OutboxMessage message, CancellationToken ct)
    {
        var handedOver = false;
        var takenOver = false;
        try
        {
            await session.SendAsync(EmailComposer.Compose(email), async token =>
            {
                if (!await marks.MoveAsync(attempt.Id, EmailAttemptOutcome.Reserved, EmailAttemptOutcome.InProgress, null, null, token))
                {
                    takenOver = true;
                    throw new EmailHandoverTakenOverException();
                }
                attempt.Outcome = EmailAttemptOutcome.InProgress;
                handedOver = true;
            }, ct);
        }
        catch (Exception) when (takenOver)
        {
            return (OutboxResult.Retry("Another dispatcher took this email over."), null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: if the content may have gone out the attempt stays InProgress for the next start to settle.
            return handedOver ? (OutboxResult.Retry("Stopped while handing over."), null) : (Interrupt(email, attempt), false);
        }
        catch (Exception e)
        {
            return (await RecordFailureAsync(marks, email, attempt, handedOver, e, message), handedOver);
        }

        var sent = clock.GetUtcNow();
        await marks.MoveAsync(attempt.Id, EmailAttemptOutcome.InProgress, EmailAttemptOutcome.Accepted, null, sent, CancellationToken.None);
        attempt.Outcome = EmailAttemptOutcome.Accepted;
        attempt.FinishedAt = sent;
        email.Status = EmailStatus.Sent;
        email.SentAt = sent;
        email.NextAttemptAt = null;
        return (OutboxResult.Done, true);
    }

    /// <summary>A reserved attempt that was not started (shutting down): sent again on the next attempt.</summary>
    private OutboxResult Interrupt(EmailMessage email, EmailAttempt attempt)
    {
        attempt.Outcome = EmailAttemptOutcome.Interrupted;
        attempt.Error = NeverHandedOver;
        attempt.FinishedAt = clock.GetUtcNow();
        email.Status = EmailStatus.Queued;
        return OutboxResult.Retry(NeverHandedOver);
    }

    /// <summary>Records how the attempt failed.</summary>
    private async Task<OutboxResult> RecordFailureAsync(EmailAttemptMarks marks, EmailMessage email, EmailAttempt attempt, bool handedOver, Exception e, OutboxMessage message)
    {
        attempt.FinishedAt = clock.GetUtcNow();
        attempt.Error = email.LastError = Describe(e);
        OutboxResult result;
        if (IsPermanent(e))
        {
            attempt.Outcome = EmailAttemptOutcome.Rejected;
            email.Status = EmailStatus.Failed;
            email.NextAttemptAt = null;
            result = OutboxResult.Fail(attempt.Error);
        }
        else if (handedOver && e is not SmtpCommandException)
        {
            // The connection broke while the server was receiving: it may have accepted the message.
            attempt.Outcome = EmailAttemptOutcome.Unknown;
            email.Status = EmailStatus.Uncertain;
            email.NextAttemptAt = null;
            result = OutboxResult.Done;
        }
        else
        {
            var giveUp = message.Attempt >= engine.Value.OutboxMaxAttempts;
            attempt.Outcome = EmailAttemptOutcome.Deferred;
            email.Status = giveUp ? EmailStatus.Failed : EmailStatus.Queued;
            email.NextAttemptAt = giveUp ? null : message.RetryAt;
            result = OutboxResult.Retry(attempt.Error);
        }
        if (handedOver)
            await marks.MoveAsync(attempt.Id, EmailAttemptOutcome.InProgress, attempt.Outcome, attempt.Error, attempt.FinishedAt, CancellationToken.None);
        logger.LogWarning(e, "Email {EmailId} attempt {Attempt}: {Outcome}", email.Id, attempt.Number, attempt.Outcome);
        return result;
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

}
