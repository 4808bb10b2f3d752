using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>Without an SMTP server (the default for <c>dotnet run</c>): emails land in the local mailbox, shown at /dev/mailbox.</summary>
public sealed class LocalMailboxTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private HostApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new HostApp(_database, configureServices: s => s.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private async Task<EmailMessage> SendAsync(OutgoingEmail email)
    {
        EmailMessage row;
        await using (var scope = _app.Services.CreateAsyncScope())
            row = await _app.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), email, CancellationToken.None);
        await _app.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
        return row;
    }

    [Fact]
    public async Task Without_an_SMTP_host_an_email_is_an_eml_file_in_the_mailbox_beside_the_database()
    {
        var email = await SendAsync(EmailOutboxTests.Feedback);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_database.Folder, "mailbox"), "*.eml"));
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal(email.MessageId, message.MessageId);
        Assert.Equal("Terugkoppeling over Zoë: wij pakken het op", message.Subject);
        Assert.Contains("Wij hebben met Zoë gesproken", message.TextBody);
        Assert.Contains("<b>Zoë</b>", message.HtmlBody);
    }

    [Theory]
    [InlineData(true, EmailAttemptOutcome.Accepted)]
    [InlineData(false, EmailAttemptOutcome.Interrupted)]
    public async Task After_a_crash_while_handing_over_the_mailbox_is_asked_whether_it_has_the_message_and_it_is_delivered_once(bool reachedMailbox, EmailAttemptOutcome firstAttempt)
    {
        var clock = _app.Clock;
        string emailId;
        await using (var dying = new HostApp(_database, clock: clock, configureServices: s =>
        {
            s.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
            s.AddSingleton<IEmailTransport>(sp => new StopsAfterHandingOver(sp.GetRequiredService<LocalMailbox>(), reachedMailbox));
        }))
        {
            await using (var scope = dying.Services.CreateAsyncScope())
                emailId = (await dying.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), EmailOutboxTests.Feedback, CancellationToken.None)).Id;
            var dispatch = dying.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
            await using var scope2 = dying.Services.CreateAsyncScope();
            var db = scope2.ServiceProvider.GetRequiredService<AppDbContext>();
            // Until the attempt is recorded (the transport never returns after that).
            while (!await db.EmailAttempts.AnyAsync(a => a.EmailId == emailId)) await Task.Yield();
            Assert.False(dispatch.IsCompleted);
        }

        clock.Advance(TimeSpan.FromMinutes(3));
        await _app.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();

        Assert.Single(Directory.GetFiles(Path.Combine(_database.Folder, "mailbox"), "*.eml"));
        await using var check = _app.Services.CreateAsyncScope();
        var email = await check.ServiceProvider.GetRequiredService<AppDbContext>().Emails.Include(e => e.AttemptLog).SingleAsync(e => e.Id == emailId);
        Assert.Equal(EmailStatus.Sent, email.Status);
        Assert.Equal(reachedMailbox ? [firstAttempt] : [firstAttempt, EmailAttemptOutcome.Accepted], email.AttemptLog.OrderBy(a => a.Number).ThenBy(a => a.Id).Select(a => a.Outcome));
    }

    [Fact]
    public async Task An_admin_in_Development_reads_the_mailbox_in_Dutch_and_opens_a_message()
    {
        await SendAsync(EmailOutboxTests.Feedback);
        using var admin = await PageSession.SignInAsync(_app, HostApp.Admin);

        var (status, list) = await admin.GetAsync("/dev/mailbox");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Lokale mailbox", list);
        Assert.Contains("Terugkoppeling over Zoë", WebUtility.HtmlDecode(list));
        var link = System.Text.RegularExpressions.Regex.Match(list, "href=\"(/dev/mailbox/[^\"]+)\"").Groups[1].Value;

        var (opened, html) = await admin.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, opened);
        var text = WebUtility.HtmlDecode(html);
        Assert.Contains("Mevrouw Jansen <ouder.jansen@example.test>", text);
        Assert.Contains("Wij hebben met Zoë gesproken", text);
        Assert.Contains("Antwoord naar", text);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dev/mailbox/bestaat-niet")).Status);
    }

    [Fact]
    public async Task Anyone_but_an_admin_gets_404_and_someone_not_signed_in_is_sent_to_sign_in()
    {
        await SendAsync(EmailOutboxTests.Feedback);
        using var coordinator = await PageSession.SignInAsync(_app, HostApp.Coordinator);
        var (status, html) = await coordinator.GetAsync("/dev/mailbox");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("Zoë", WebUtility.HtmlDecode(html));

        using var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        using var response = await anonymous.GetAsync("/dev/mailbox");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://localhost/inloggen", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Outside_Development_the_mailbox_does_not_exist()
    {
        using var database = new TempDatabase();
        await using var production = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("ConnectionStrings:Workflows", database.ConnectionString);
            b.UseSetting("Workflows:DefinitionsPath", RepoPaths.Workflows);
            b.UseSetting("Workflows:DispatchTimers", "false");
            b.UseSetting("Workflows:DispatchOutbox", "false");
        });
        using var client = production.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        using var response = await client.GetAsync("/dev/mailbox");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Smtp_settings_that_could_never_send_stop_the_host_at_start()
    {
        using var database = new TempDatabase();
        using var app = new HostApp(database, configureServices: s => s.Configure<SmtpOptions>(o =>
        {
            o.Host = "smtp.example.test";
            o.From = "geen adres";
            o.User = "school";
        }));

        var error = Assert.Throws<OptionsValidationException>(() => app.Services);
        Assert.Contains("Smtp:From 'geen adres' is not an email address", error.Message);
        Assert.Contains("Smtp:User and Smtp:Password go together", error.Message);
    }
}
