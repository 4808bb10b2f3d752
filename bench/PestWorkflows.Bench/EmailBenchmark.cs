using System.Diagnostics;
using System.Globalization;
using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;

namespace PestWorkflows.Bench;

/// <summary>
/// (f) Emails per second from the outbox to a loopback SMTP server (<see cref="SmtpSink"/>), against a
/// bare MailKit loop sending the same messages to the same server in the same run. The outbox side is
/// the host's own services (built in process from the host assembly, on a fresh SQLite file migrated by
/// the host): <see cref="EmailOutbox.EnqueueAsync(AppDbContext, OutgoingEmail, CancellationToken)"/>
/// writes the emails, then the clock runs while <see cref="OutboxDispatcher.DispatchDueAsync"/> sends
/// them all (claim, <see cref="EmailOutboxHandler"/>: attempt recorded, MailKit, outcome recorded).
/// </summary>
public sealed class EmailBenchmark : IBenchmarkPart
{
    public const double MinRatioOverBareLoop = 0.80;

    public string Name => BenchmarkNames.Email;

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var count = options.Quick ? 100 : 2_000;
        var warmUp = options.Quick ? 5 : 50;
        var repoRoot = Program.FindRepoRoot() ?? throw new InvalidOperationException("the repository (PestWorkflows.sln) was not found");
        var folder = Path.Combine(options.WorkDirectory, "email-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        using var sink = new SmtpSink();
        var extra = new Dictionary<string, string>();
        try
        {
            // Bare MailKit, one connection for all messages (the fastest a sender can be).
            await BareOneConnectionAsync(sink.Port, Messages(warmUp, "warm"), ct);
            var before = sink.Received;
            var bare = Stopwatch.StartNew();
            await BareOneConnectionAsync(sink.Port, Messages(count, "bare"), ct);
            await sink.WaitForAsync(before + count, ct);
            bare.Stop();

            // Bare MailKit, one connection per message: what SmtpTransport does for each email.
            await BarePerMessageAsync(sink.Port, Messages(warmUp, "warm"), ct);
            before = sink.Received;
            var bytesBefore = sink.Bytes;
            var perMessage = Stopwatch.StartNew();
            await BarePerMessageAsync(sink.Port, Messages(count, "conn"), ct);
            await sink.WaitForAsync(before + count, ct);
            perMessage.Stop();
            var bytesPerMessage = (sink.Bytes - bytesBefore) / (double)count;

            var (outboxElapsed, connections, breakdown) = await OutboxAsync(repoRoot, Path.Combine(folder, "full"), sink, count, warmUp, "Full", ct);
            // Reference: the engine's connections (claim, finish) with synchronous=NORMAL; the host's own
            // (the email's attempt and outcome) keep SQLite's default, FULL.
            // Left out of the quick run, which must stay a few seconds: building the host's services is most of it.
            var normal = options.Quick ? default : await OutboxAsync(repoRoot, Path.Combine(folder, "normal"), sink, count, warmUp, "Normal", ct);

            var netDumbster = await NetDumbsterOneConnectionAsync(count, warmUp, ct);

            double Rate(TimeSpan t) => count / t.TotalSeconds;
            var ratio = Rate(outboxElapsed) / Rate(bare.Elapsed);
            var ratioPerMessage = Rate(outboxElapsed) / Rate(perMessage.Elapsed);
            extra["messages"] = count.ToString("N0", CultureInfo.InvariantCulture);
            extra["message size on the wire"] = $"{bytesPerMessage:N0} B (text/plain + text/html, Dutch, quoted-printable)";
            extra["smtp server"] = "SmtpSink (in process, loopback, counts and discards; see SmtpSink.cs)";
            extra["bare MailKit, one connection"] = $"{Rate(bare.Elapsed):N1} msgs/s";
            extra["bare MailKit, connection per message"] = $"{Rate(perMessage.Elapsed):N1} msgs/s";
            extra["outbox (EmailOutbox + OutboxDispatcher)"] = $"{Rate(outboxElapsed):N1} msgs/s, {connections:N0} SMTP connections";
            extra["outbox, time per email"] = breakdown;
            if (!options.Quick)
            {
                extra["outbox, engine synchronous=NORMAL"] = $"{Rate(normal.Elapsed):N1} msgs/s (reference)";
                extra["outbox NORMAL, time per email"] = normal.Breakdown;
            }
            extra["outbox / bare, one connection"] = $"{ratio:F3} (target >= {MinRatioOverBareLoop:F2}: {(ratio >= MinRatioOverBareLoop ? "MET" : "MISSED")})";
            extra["outbox / bare, connection per message"] = $"{ratioPerMessage:F3} (reference)";
            extra["netDumbster 3.1.1, bare one connection"] = $"{netDumbster:N1} msgs/s (reference: the sink the tests use)";
            extra[BenchmarkExtraKeys.EmailRatioOverBareLoop] = ratio.ToString("R", CultureInfo.InvariantCulture);
            return new BenchmarkResult(Name, count, outboxElapsed, extra);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* the host's files may linger a moment */ }
        }
    }

    private static async Task<(TimeSpan Elapsed, long Connections, string Breakdown)> OutboxAsync(string repoRoot, string folder, SmtpSink sink, int count, int warmUp, string synchronous, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = folder });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Workflows"] = $"Data Source={Path.Combine(folder, "host.db")}",
            ["Workflows:DefinitionsPath"] = Path.Combine(repoRoot, "workflows"),
            // Nothing runs in the background: the bench drives the dispatcher itself and times it.
            ["Workflows:DispatchOutbox"] = "false",
            ["Workflows:DispatchTimers"] = "false",
            ["Workflows:SqliteSynchronous"] = synchronous,
            ["Demo:Enabled"] = "false",
            ["Smtp:Host"] = IPAddress.Loopback.ToString(),
            ["Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Security"] = nameof(SmtpSecurity.None),
            ["Smtp:From"] = From,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddApplicationServices();
        await using var app = builder.Build();
        await app.InitializeWorkflowsAsync(ct);
        var outbox = app.Services.GetRequiredService<EmailOutbox>();
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();

        await EnqueueAsync(app.Services, outbox, Emails(warmUp, "warm"), ct);
        await dispatcher.DispatchDueAsync(ct);

        await EnqueueAsync(app.Services, outbox, Emails(count, "outbox"), ct);
        var before = sink.Received;
        var connections = sink.Connections;
        using var observer = new DbTimeObserver { Recording = true };
        var clock = Stopwatch.StartNew();
        var attempts = await dispatcher.DispatchDueAsync(ct);
        await sink.WaitForAsync(before + count, ct);
        clock.Stop();
        observer.Recording = false;

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var sent = await db.Emails.CountAsync(e => e.Status == EmailStatus.Sent, ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var pragma = db.Database.GetDbConnection().CreateCommand();
        pragma.CommandText = "PRAGMA synchronous";
        var appSynchronous = Convert.ToInt64(await pragma.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) switch { 0 => "OFF", 1 => "NORMAL", 2 => "FULL", var n => n.ToString(CultureInfo.InvariantCulture) };
        double PerEmail(TimeSpan t) => t.TotalMilliseconds / count;
        var breakdown = $"{PerEmail(clock.Elapsed):F2} ms: SQL commands {PerEmail(observer.Commands):F2} ms ({observer.CommandCount / (double)count:F1} per email), "
            + $"commits {PerEmail(observer.Commits):F2} ms ({observer.CommitCount / (double)count:F1} per email), "
            + $"the rest (SMTP, MIME, EF, handler) {PerEmail(clock.Elapsed - observer.Commands - observer.Commits):F2} ms; "
            + $"engine connections synchronous={synchronous.ToUpperInvariant()}, the host's (AppDbContext) {appSynchronous}";
        if (attempts != count || sent != count + warmUp || sink.Received != before + count)
            throw new InvalidOperationException($"outbox: {attempts} attempts, {sent} emails Sent, {sink.Received - before} received; expected {count} ({count + warmUp} Sent)");
        return (clock.Elapsed, sink.Connections - connections, breakdown);
    }

    /// <summary>All in one transaction, so writing them costs one commit (it is not what is measured).</summary>
    private static async Task EnqueueAsync(IServiceProvider services, EmailOutbox outbox, IEnumerable<OutgoingEmail> emails, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var email in emails)
        {
            await outbox.EnqueueAsync(db, email, ct);
            db.ChangeTracker.Clear();
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task BareOneConnectionAsync(int port, IEnumerable<MimeMessage> messages, CancellationToken ct)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(IPAddress.Loopback.ToString(), port, SecureSocketOptions.None, ct);
        foreach (var message in messages)
            await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    private static async Task BarePerMessageAsync(int port, IEnumerable<MimeMessage> messages, CancellationToken ct)
    {
        foreach (var message in messages)
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(IPAddress.Loopback.ToString(), port, SecureSocketOptions.None, ct);
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
        }
    }

    /// <summary>The bare one-connection loop against netDumbster, to show why the bench has its own sink.</summary>
    private static async Task<double> NetDumbsterOneConnectionAsync(int count, int warmUp, CancellationToken ct)
    {
        using var server = netDumbster.smtp.Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        await BareOneConnectionAsync(server.Configuration.Port, Messages(warmUp, "warm"), ct);
        var clock = Stopwatch.StartNew();
        await BareOneConnectionAsync(server.Configuration.Port, Messages(count, "dumbster"), ct);
        while (server.ReceivedEmailCount < count + warmUp)
            await Task.Delay(1, ct);
        clock.Stop();
        return count / clock.Elapsed.TotalSeconds;
    }

    private const string From = "Basisschool De Regenboog <noreply@regenboog.test>";

    /// <summary>The bare loops' messages: composed as the outbox composes its emails, inside the loop, as the outbox does.</summary>
    private static IEnumerable<MimeMessage> Messages(int count, string run)
    {
        var i = 0;
        foreach (var email in Emails(count, run))
        {
            var id = $"{run}{i++:D6}{Guid.NewGuid():N}";
            yield return EmailComposer.Compose(new EmailMessage
            {
                Id = id,
                From = From,
                To = email.To,
                ToName = email.ToName,
                ReplyTo = email.ReplyTo,
                Subject = email.Subject,
                TextBody = email.TextBody,
                HtmlBody = email.HtmlBody,
                MessageId = $"{id}@regenboog.test",
                CreatedAt = DateTimeOffset.UtcNow,
            });
        }
    }

    private static IEnumerable<OutgoingEmail> Emails(int count, string run)
    {
        for (var i = 0; i < count; i++)
            yield return new OutgoingEmail($"ouder.{run}.{i}@example.test", Subject, TextBody, HtmlBody, EmailRecipientKind.Parent, "ParentsFeedback")
            {
                ToName = $"Familie Jansen-{i}",
                ReplyTo = "apc@regenboog.test",
                SchoolId = "bench",
            };
    }

    private const string Subject = "Terugkoppeling over Zoë: wat de school heeft gedaan en wat nu volgt";

    private const string TextBody =
        """
        Beste mevrouw en meneer Jansen,

        Op maandag 23 november heeft u ons laten weten dat Zoë zich op het schoolplein en in de klas niet prettig voelt.
        Dank u wel dat u dat met ons heeft gedeeld. Wij nemen elk signaal over pesten serieus en volgen daarbij het
        pestprotocol van onze school.

        Wat wij tot nu toe hebben gedaan:
        - De groepsleerkracht heeft dinsdag een gesprek gehad met Zoë. Zij vertelde wat er gebeurd is en hoe zij zich voelt.
        - De anti-pestcoördinator heeft woensdag gesproken met de leerlingen om wie het gaat, ieder apart.
        - Het team is op de hoogte; de pleinwacht let de komende weken extra op tijdens de pauzes.

        Wat er nu volgt:
        - Over twee weken heeft de groepsleerkracht een vervolggesprek met Zoë.
        - Wij nemen daarna contact met u op om te horen hoe het thuis gaat.
        - Heeft u in de tussentijd vragen of zorgen, dan kunt u altijd bellen of mailen naar de coördinator.

        Wij begrijpen dat dit een vervelende periode is voor Zoë en voor u. Samen zorgen wij ervoor dat zij zich weer
        veilig voelt op school.

        Met vriendelijke groet,

        Marieke de Vries
        Anti-pestcoördinator, Basisschool De Regenboog
        Telefoon 030 123 45 67 — apc@regenboog.test
        """;

    private const string HtmlBody =
        """
        <!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Terugkoppeling</title></head>
        <body style="font-family: Arial, sans-serif; font-size: 15px; color: #222; line-height: 1.5;">
        <p>Beste mevrouw en meneer Jansen,</p>
        <p>Op maandag 23 november heeft u ons laten weten dat <b>Zoë</b> zich op het schoolplein en in de klas niet prettig voelt.
        Dank u wel dat u dat met ons heeft gedeeld. Wij nemen elk signaal over pesten serieus en volgen daarbij het pestprotocol van onze school.</p>
        <h2 style="font-size: 16px;">Wat wij tot nu toe hebben gedaan</h2>
        <ul>
        <li>De groepsleerkracht heeft dinsdag een gesprek gehad met Zoë. Zij vertelde wat er gebeurd is en hoe zij zich voelt.</li>
        <li>De anti-pestcoördinator heeft woensdag gesproken met de leerlingen om wie het gaat, ieder apart.</li>
        <li>Het team is op de hoogte; de pleinwacht let de komende weken extra op tijdens de pauzes.</li>
        </ul>
        <h2 style="font-size: 16px;">Wat er nu volgt</h2>
        <ul>
        <li>Over twee weken heeft de groepsleerkracht een vervolggesprek met Zoë.</li>
        <li>Wij nemen daarna contact met u op om te horen hoe het thuis gaat.</li>
        <li>Heeft u vragen of zorgen, bel of mail dan gerust de coördinator.</li>
        </ul>
        <p>Met vriendelijke groet,<br>Marieke de Vries<br>Anti-pestcoördinator, Basisschool De Regenboog<br>
        Telefoon 030 123 45 67 — <a href="mailto:apc@regenboog.test">apc@regenboog.test</a></p>
        </body></html>
        """;
}
