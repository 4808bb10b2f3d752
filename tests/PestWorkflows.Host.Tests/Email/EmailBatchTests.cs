using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using netDumbster.smtp;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// The outbox sends its due emails in batches over one SMTP connection: each email still ends on its own
/// (a refused recipient fails only its email), a connection the server drops is opened again, and a process
/// that dies in the middle of a batch leaves the emails it had not handed over to be sent, not uncertain.
/// </summary>
public sealed class EmailBatchTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(HostApp.StartTime);

    public void Dispose() => _database.Dispose();

    private HostApp App(int smtpPort, Action<IServiceCollection>? more = null) => new(_database, clock: _clock, configureServices: services =>
    {
        services.Configure<SmtpOptions>(o =>
        {
            o.Host = "127.0.0.1";
            o.Port = smtpPort;
            o.Security = SmtpSecurity.None;
            o.From = "Basisschool De Regenboog <noreply@regenboog.test>";
        });
        services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
        more?.Invoke(services);
    });

    private static async Task<List<EmailMessage>> EnqueueAsync(HostApp app, params string[] recipients)
    {
        var emails = new List<EmailMessage>();
        foreach (var to in recipients)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            emails.Add(await app.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(db, EmailOutboxTests.Feedback with { To = to }, CancellationToken.None));
        }
        return emails;
    }

    private static Task<int> DispatchAsync(HostApp app) => app.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();

    private static async Task<EmailMessage> EmailAsync(HostApp app, string id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Emails.AsNoTracking().Include(e => e.AttemptLog).SingleAsync(e => e.Id == id);
    }

    private static string[] Parents(int count) => Enumerable.Range(1, count).Select(i => $"ouder{i}@example.test").ToArray();

    [Fact]
    public async Task Due_emails_go_out_over_one_connection_and_a_refused_recipient_fails_only_its_own_email()
    {
        using var smtp = new BatchSmtpServer { Refuse = line => line.Contains("bestaat.niet@", StringComparison.Ordinal) };
        await using var app = App(smtp.Port);
        var emails = await EnqueueAsync(app, [.. Parents(3), "bestaat.niet@example.test", .. Parents(6)[3..]]);
        var sentAt = _clock.GetUtcNow();

        Assert.Equal(7, await DispatchAsync(app));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await DispatchAsync(app));

        // One connection, and one more after the refusal (a fresh start for the next message).
        Assert.InRange(smtp.Connections, 1, 2);
        var refused = emails[3];
        Assert.Equal(emails.Where(e => e != refused).Select(e => e.MessageId).Order(), smtp.Received.Order());
        foreach (var email in emails.Where(e => e != refused))
        {
            var stored = await EmailAsync(app, email.Id);
            Assert.Equal((EmailStatus.Sent, 1, sentAt), (stored.Status, stored.Attempts, stored.SentAt));
            Assert.Equal([(EmailAttemptOutcome.Accepted, sentAt)], stored.AttemptLog.Select(a => (a.Outcome, a.FinishedAt)));
        }
        var failed = await EmailAsync(app, refused.Id);
        Assert.Equal(EmailStatus.Failed, failed.Status);
        Assert.StartsWith("De mailserver weigert het bericht (550)", failed.LastError);
        Assert.Equal([(EmailAttemptOutcome.Rejected, sentAt)], failed.AttemptLog.Select(a => (a.Outcome, a.FinishedAt)));
    }

    [Fact]
    public async Task A_connection_dropped_before_a_message_was_sent_defers_only_that_email_which_is_delivered_once_later()
    {
        using var smtp = new BatchSmtpServer { DropAtMessage = 3 };
        await using var app = App(smtp.Port);
        var emails = await EnqueueAsync(app, Parents(5));

        Assert.Equal(5, await DispatchAsync(app));
        var dropped = await EmailAsync(app, emails[2].Id);
        // The server never had its content: tried again, not "maybe delivered".
        Assert.Equal((EmailStatus.Queued, "Deferred"), (dropped.Status, string.Join(",", dropped.AttemptLog.Select(a => a.Outcome))));
        Assert.StartsWith("De mailserver is niet bereikbaar", dropped.LastError);
        foreach (var email in emails.Where((_, i) => i != 2))
            Assert.Equal(EmailStatus.Sent, (await EmailAsync(app, email.Id)).Status);

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await DispatchAsync(app));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await DispatchAsync(app));
        Assert.Equal(emails.Select(e => e.MessageId).Order(), smtp.Received.Order());
        var sent = await EmailAsync(app, emails[2].Id);
        Assert.Equal([EmailAttemptOutcome.Deferred, EmailAttemptOutcome.Accepted], sent.AttemptLog.OrderBy(a => a.Number).Select(a => a.Outcome));
    }

    [Fact]
    public async Task A_connection_dropped_after_a_message_was_sent_makes_only_that_email_uncertain_and_the_rest_are_delivered_once()
    {
        using var smtp = new BatchSmtpServer { DropAtMessage = 2, DropAfterContent = true };
        await using var app = App(smtp.Port);
        var emails = await EnqueueAsync(app, Parents(4));

        Assert.Equal(4, await DispatchAsync(app));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await DispatchAsync(app));

        var uncertain = await EmailAsync(app, emails[1].Id);
        Assert.Equal((EmailStatus.Uncertain, "Unknown"), (uncertain.Status, string.Join(",", uncertain.AttemptLog.Select(a => a.Outcome))));
        foreach (var email in emails.Where((_, i) => i != 1))
            Assert.Equal(EmailStatus.Sent, (await EmailAsync(app, email.Id)).Status);
        // Each once: the uncertain one is not sent again by itself.
        Assert.Equal(emails.Select(e => e.MessageId).Order(), smtp.Received.Order());
    }

    [Fact]
    public async Task After_the_process_dies_mid_batch_only_the_email_being_handed_over_is_uncertain_and_the_rest_are_sent_once()
    {
        using var smtp = Configuration.Configure().WithAddress(System.Net.IPAddress.Loopback).WithRandomPort().Build();
        var accepted = new TaskCompletionSource();
        smtp.MessageReceived += (_, _) => accepted.TrySetResult();
        var dying = App(smtp.Configuration.Port, services =>
            services.AddSingleton<IEmailTransport>(sp => new StopsAfterHandingOver(sp.GetRequiredService<SmtpTransport>())));
        List<EmailMessage> emails;
        {
            emails = await EnqueueAsync(dying, Parents(4));
            // All four are reserved in one commit; the process "dies" once the server has the first.
            _ = DispatchAsync(dying);
            await accepted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(EmailAttemptOutcome.InProgress, (await EmailAsync(dying, emails[0].Id)).AttemptLog.Single().Outcome);
            foreach (var email in emails.Skip(1))
                Assert.Equal(EmailAttemptOutcome.Reserved, (await EmailAsync(dying, email.Id)).AttemptLog.Single().Outcome);
            await dying.DisposeAsync();
        }

        await using var restarted = App(smtp.Configuration.Port);
        _clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(4, await DispatchAsync(restarted));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await DispatchAsync(restarted));

        var first = await EmailAsync(restarted, emails[0].Id);
        Assert.Equal((EmailStatus.Uncertain, "Unknown"), (first.Status, string.Join(",", first.AttemptLog.Select(a => a.Outcome))));
        foreach (var email in emails.Skip(1))
        {
            var stored = await EmailAsync(restarted, email.Id);
            Assert.Equal(EmailStatus.Sent, stored.Status);
            Assert.Equal([EmailAttemptOutcome.Interrupted, EmailAttemptOutcome.Accepted], stored.AttemptLog.OrderBy(a => a.Number).Select(a => a.Outcome));
        }
        // Each once: the first was not sent again, the others were sent after the restart.
        var received = smtp.ReceivedEmail.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))).MessageId);
        Assert.Equal(emails.Select(e => e.MessageId).Order(), received.Order());
    }
}
