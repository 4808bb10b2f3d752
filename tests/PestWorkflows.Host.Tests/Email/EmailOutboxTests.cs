using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using netDumbster.smtp;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// Emails through the outbox to a real SMTP server on loopback (netDumbster, or a server that refuses):
/// sent once with the right headers and parts, retried while the server is down, failed on a refusal,
/// and not sent twice after a crash while the server had it. The tests dispatch the outbox themselves.
/// </summary>
public sealed class EmailOutboxTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(HostApp.StartTime);
    private readonly List<IDisposable> _servers = [];

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        _database.Dispose();
    }

    private SimpleSmtpServer StartSmtp(int? port = null)
    {
        var configuration = Configuration.Configure().WithAddress(IPAddress.Loopback);
        var server = (port is { } p ? configuration.WithPort(p) : configuration.WithRandomPort()).Build();
        _servers.Add(server);
        return server;
    }

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

    public static readonly OutgoingEmail Feedback = new(
        "ouder.jansen@example.test",
        "Terugkoppeling over Zoë: wij pakken het op",
        "Beste mevrouw Jansen,\n\nWij hebben met Zoë gesproken. Het team neemt het signaal serieus; de coördinator belt u deze week.\n\nMet vriendelijke groet,\nDe Regenboog — café-overleg op donderdag",
        "<p>Beste mevrouw Jansen,</p><p>Wij hebben met <b>Zoë</b> gesproken. Het team neemt het signaal serieus.</p><p>Met vriendelijke groet,<br>De Regenboog — café-overleg</p>",
        EmailRecipientKind.Parent,
        "ParentsFeedback")
    {
        ToName = "Mevrouw Jansen",
        ReplyTo = "Anti-pestcoördinator <apc@regenboog.test>",
        SchoolId = "regenboog",
        CaseId = "zaak-1",
        PupilId = "rb-033",
    };

    private static async Task<EmailMessage> EnqueueAsync(HostApp app, OutgoingEmail email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await app.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(db, email, CancellationToken.None);
    }

    private static Task<int> DispatchAsync(HostApp app) => app.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();

    private static async Task<EmailMessage> EmailAsync(HostApp app, string id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Emails.AsNoTracking().Include(e => e.AttemptLog).SingleAsync(e => e.Id == id);
    }

    private static MimeMessage Parse(SmtpMessage received) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(received.Data)));


    [Fact]
    public async Task An_email_is_sent_once_with_a_stable_Message_Id_reply_to_and_Dutch_text_and_html_parts()
    {
        var smtp = StartSmtp();
        await using var app = App(smtp.Configuration.Port);
        var email = await EnqueueAsync(app, Feedback);

        Assert.Equal(1, await DispatchAsync(app));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await DispatchAsync(app));

        var received = Assert.Single(smtp.ReceivedEmail);
        var message = Parse(received);
        Assert.Equal("Terugkoppeling over Zoë: wij pakken het op", message.Subject);
        Assert.Equal(email.MessageId, message.MessageId);
        Assert.Equal("noreply@regenboog.test", message.From.Mailboxes.Single().Address);
        Assert.Equal("Basisschool De Regenboog", message.From.Mailboxes.Single().Name);
        Assert.Equal(("Mevrouw Jansen", "ouder.jansen@example.test"), (message.To.Mailboxes.Single().Name, message.To.Mailboxes.Single().Address));
        Assert.Equal("apc@regenboog.test", message.ReplyTo.Mailboxes.Single().Address);
        var parts = message.BodyParts.OfType<TextPart>().ToList();
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
        Assert.All(parts, p => Assert.Equal("utf-8", p.ContentType.Charset));
        Assert.Contains("Wij hebben met Zoë gesproken", message.TextBody);
        Assert.Contains("café-overleg", message.TextBody);
        Assert.Contains("<b>Zoë</b>", message.HtmlBody);

        var stored = await EmailAsync(app, email.Id);
        Assert.Equal((EmailStatus.Sent, 1, _clock.GetUtcNow() - TimeSpan.FromHours(1)), (stored.Status, stored.Attempts, stored.SentAt));
        Assert.Equal([EmailAttemptOutcome.Accepted], stored.AttemptLog.Select(a => a.Outcome));
    }

    [Fact]
    public async Task While_the_server_is_down_the_email_stays_queued_with_its_attempts_and_growing_delays_and_is_delivered_once_when_it_is_up()
    {
        var port = HostProcess.FreePort();
        await using var app = App(port);
        var email = await EnqueueAsync(app, Feedback);

        Assert.Equal(1, await DispatchAsync(app));
        var first = await EmailAsync(app, email.Id);
        Assert.Equal((EmailStatus.Queued, 1, _clock.GetUtcNow() + TimeSpan.FromSeconds(10)), (first.Status, first.Attempts, first.NextAttemptAt));
        Assert.StartsWith("De mailserver is niet bereikbaar", first.LastError);
        Assert.Equal(0, await DispatchAsync(app)); // not due before its delay

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await DispatchAsync(app));
        var second = await EmailAsync(app, email.Id);
        Assert.Equal((EmailStatus.Queued, 2, _clock.GetUtcNow() + TimeSpan.FromSeconds(20)), (second.Status, second.Attempts, second.NextAttemptAt));
        Assert.Equal([EmailAttemptOutcome.Deferred, EmailAttemptOutcome.Deferred], second.AttemptLog.OrderBy(a => a.Number).Select(a => a.Outcome));

        var smtp = StartSmtp(port);
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await DispatchAsync(app));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await DispatchAsync(app));

        Assert.Single(smtp.ReceivedEmail);
        var sent = await EmailAsync(app, email.Id);
        Assert.Equal((EmailStatus.Sent, 3), (sent.Status, sent.Attempts));
        Assert.Equal([EmailAttemptOutcome.Deferred, EmailAttemptOutcome.Deferred, EmailAttemptOutcome.Accepted], sent.AttemptLog.OrderBy(a => a.Number).Select(a => a.Outcome));
    }

    [Fact]
    public async Task A_temporary_refusal_is_retried_and_a_permanent_refusal_fails_the_email_for_good()
    {
        using var busy = new RefusingSmtpServer("451 4.3.0 Mailbox temporarily unavailable");
        using var refusing = new RefusingSmtpServer("550 5.1.1 Mailbox unavailable");
        await using (var app = App(busy.Port))
        {
            var deferred = await EnqueueAsync(app, Feedback);
            await DispatchAsync(app);
            var stored = await EmailAsync(app, deferred.Id);
            Assert.Equal((EmailStatus.Queued, 1), (stored.Status, stored.Attempts));
            Assert.Contains("451", stored.LastError);
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync();
            Assert.Equal(OutboxStatus.Pending, (await db.Outbox.SingleAsync()).Status);
        }

        await using var refusedApp = App(refusing.Port);
        var refused = await EnqueueAsync(refusedApp, Feedback with { To = "bestaat.niet@example.test" });
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            await DispatchAsync(refusedApp);
        }

        var failed = await EmailAsync(refusedApp, refused.Id);
        Assert.Equal(EmailStatus.Failed, failed.Status);
        Assert.StartsWith("De mailserver weigert het bericht (550)", failed.LastError);
        // Refused once, not tried again.
        Assert.Equal([EmailAttemptOutcome.Rejected], failed.AttemptLog.Select(a => a.Outcome));
    }

    [Fact]
    public async Task After_a_crash_between_the_server_accepting_and_marking_it_sent_the_email_is_not_sent_again()
    {
        var smtp = StartSmtp();
        var accepted = new TaskCompletionSource();
        smtp.MessageReceived += (_, _) => accepted.TrySetResult();
        string emailId;
        var dying = App(smtp.Configuration.Port, services =>
            services.AddSingleton<IEmailTransport>(sp => new StopsAfterHandingOver(sp.GetRequiredService<SmtpTransport>())));
        {
            emailId = (await EnqueueAsync(dying, Feedback)).Id;
            // The process "dies" after the server accepted the message and before it was marked sent.
            _ = DispatchAsync(dying);
            await accepted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(EmailStatus.Sending, (await EmailAsync(dying, emailId)).Status);
            await dying.DisposeAsync();
        }

        // Started again on the same database; the dead process's claim on the row expires.
        await using var restarted = App(smtp.Configuration.Port);
        _clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await DispatchAsync(restarted));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await DispatchAsync(restarted));

        Assert.Single(smtp.ReceivedEmail);
        var email = await EmailAsync(restarted, emailId);
        Assert.Equal(EmailStatus.Uncertain, email.Status);
        Assert.Equal([EmailAttemptOutcome.Unknown], email.AttemptLog.Select(a => a.Outcome));
        Assert.Contains("mogelijk is het verzonden", email.LastError);
    }
}
