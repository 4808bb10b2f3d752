using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>
/// Puts emails in the outbox: the email row and its outbox row are written in the caller's
/// transaction, so an email exists exactly when what decided to send it committed, and is sent
/// afterwards (by <see cref="EmailOutboxHandler"/>), once.
/// </summary>
public sealed class EmailOutbox(Outbox outbox, TimeProvider clock, IOptions<SmtpOptions> smtp)
{
    /// <summary>
    /// Inside a workflow step (an <see cref="IStepEffectHandler"/>, as it prepares the step): both rows
    /// are added to the step's contexts (<paramref name="db"/> is the step's, <see cref="AppDbContextOnConnection"/>)
    /// and written with the step.
    /// </summary>
    public EmailMessage Enqueue(WorkflowDbContext step, AppDbContext db, OutgoingEmail email, string? workflowInstanceId)
    {
        var row = NewMessage(email);
        db.Emails.Add(row);
        outbox.Add(step, EmailOutboxHandler.TypeName, TenantOf(email), Payload(row), workflowInstanceId);
        return row;
    }

    /// <summary>
    /// Outside a step: within <paramref name="db"/>'s current transaction when it has one (the caller
    /// commits, then calls <see cref="Wake"/>), else in a transaction of its own.
    /// </summary>
    public async Task<EmailMessage> EnqueueAsync(AppDbContext db, OutgoingEmail email, CancellationToken ct)
    {
        var row = NewMessage(email);
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            db.Emails.Add(row);
            await db.SaveChangesAsync(ct);
            await outbox.EnqueueAsync(db, EmailOutboxHandler.TypeName, TenantOf(email), Payload(row), ct);
            if (own is null) return row;
            await own.CommitAsync(ct);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
        Wake();
        return row;
    }

    /// <summary>Tells the dispatcher that committed emails wait.</summary>
    public void Wake() => outbox.Wake();

    private EmailMessage NewMessage(OutgoingEmail email)
    {
        var now = clock.GetUtcNow();
        var from = MailboxAddress.Parse(smtp.Value.From);
        var id = Guid.CreateVersion7(now).ToString("N");
        var domain = from.Domain is { Length: > 0 } d ? d : "pestworkflows.local";
        return new EmailMessage
        {
            Id = id,
            SchoolId = email.SchoolId,
            CaseId = email.CaseId,
            PupilId = email.PupilId,
            RecipientKind = email.RecipientKind,
            Template = email.Template,
            From = from.ToString(),
            To = email.To,
            ToName = email.ToName,
            ReplyTo = email.ReplyTo,
            Subject = email.Subject,
            TextBody = email.TextBody,
            HtmlBody = email.HtmlBody,
            MessageId = $"{id}@{domain}",
            Status = EmailStatus.Queued,
            CreatedAt = now,
            NextAttemptAt = now,
            Attachments = email.Attachments.Select(a => new EmailAttachment { EmailId = id, FileName = a.FileName, ContentType = a.ContentType, Content = a.Content }).ToList(),
        };
    }

    private static string TenantOf(OutgoingEmail email) => email.SchoolId ?? Tenants.Default;

    private static string Payload(EmailMessage row) => new JsonObject { ["emailId"] = row.Id }.ToJsonString();

    internal static string EmailIdOf(OutboxMessage message) =>
        (string?)JsonNode.Parse(message.Payload)?["emailId"] ?? throw new OutboxPermanentFailureException($"Outbox row {message.Id} names no email.");
}
