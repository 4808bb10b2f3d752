using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// The emails of a case for the coordinator (dossier section, one email's page, GET /api/cases/{id}/emails)
/// and resending a failed one after correcting the parent's address, with a real SMTP server on loopback
/// (netDumbster) that is down while the first email is tried. The tests dispatch the outbox themselves.
/// </summary>
public sealed class CaseEmailsTests : IAsyncLifetime
{
    private readonly int _port = HostProcess.FreePort();
    private SimpleSmtpServer? _smtp;
    private SchoolApp _s = null!;
    private string _caseId = "", _pupilId = "", _pupilName = "", _parentAddress = "";
    private EmailMessage _failed = null!, _sent = null!;

    public async Task InitializeAsync()
    {
        _s = new SchoolApp(configureServices: services =>
        {
            services.Configure<SmtpOptions>(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = _port;
                o.Security = SmtpSecurity.None;
                o.From = "Basisschool De Regenboog <noreply@regenboog.test>";
            });
            // One attempt: an email the server cannot take is Failed at once, as after many attempts.
            services.Configure<WorkflowEngineOptions>(o => { o.DispatchOutbox = false; o.OutboxMaxAttempts = 1; });
            // Reporting emails the coordinator a new task (StaffEmailTests); these tests list the emails they write themselves.
            services.Remove(services.Single(d => d.ImplementationType == typeof(NewTaskStaffEmails)));
        });
        var pupil = (await _s.PupilsAsync(HostApp.Teacher1))[0];
        (_pupilId, _pupilName) = ((string)pupil["id"]!, (string)pupil["name"]!);
        _caseId = (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_pupilId, "Bullied"))))["id"]!;
        _parentAddress = (await GuardianAsync()).Email;

        // The server is down: the parents' email fails.
        _failed = await EnqueueAsync(ParentsEmail(_parentAddress));
        Assert.Equal(1, await DispatchAsync());
        // Five minutes later the server is up: the leader's email is sent.
        _s.App.Clock.Advance(TimeSpan.FromMinutes(5));
        _smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(_port).Build();
        _sent = await EnqueueAsync(new OutgoingEmail("directie@regenboog.test", "Er staat een taak voor je klaar", "Bekijk de taak via de link.", null, EmailRecipientKind.Staff, "NewTask")
        {
            ToName = "Directie Regenboog",
            SchoolId = "regenboog",
            CaseId = _caseId,
        });
        Assert.Equal(1, await DispatchAsync());
        _smtp.ClearReceivedEmail();
    }

    public async Task DisposeAsync()
    {
        _smtp?.Dispose();
        await _s.DisposeAsync();
    }

    private OutgoingEmail ParentsEmail(string to) => new(to, "Terugkoppeling over uw kind", "Beste ouder,\n\nWij hebben met uw kind gesproken; wij pakken het op.\n\nMet vriendelijke groet,\nDe Regenboog",
        "<p>Beste ouder,</p><p>Wij pakken het op.</p>", EmailRecipientKind.Parent, "ParentsFeedback")
    {
        ToName = "Ouder van " + _pupilName,
        ReplyTo = "Anti-pestcoördinator <apc@regenboog.test>",
        SchoolId = "regenboog",
        CaseId = _caseId,
        PupilId = _pupilId,
    };

    private async Task<EmailMessage> EnqueueAsync(OutgoingEmail email)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await _s.App.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(db, email, CancellationToken.None);
    }

    private Task<int> DispatchAsync() => _s.App.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();

    private async Task<List<EmailMessage>> EmailsAsync()
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Emails.AsNoTracking().Where(e => e.CaseId == _caseId).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync();
    }

    private async Task<Schools.Guardian> GuardianAsync()
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Guardians.AsNoTracking().SingleAsync(g => g.PupilId == _pupilId);
    }


    private string EmailPage(EmailMessage email) => $"/zaken/{_caseId}/emails/{email.Id}";

    private static Task<HttpResponseMessage> ResendAsync(PageSession session, string page, string address) =>
        session.PostFormAsync(page, page, [new("Address", address)]);

    [Fact]
    public async Task The_coordinator_sees_every_email_of_the_case_with_its_Dutch_status_and_one_emails_text_and_attempts()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (status, raw) = await coordinator.GetAsync($"/zaken/{_caseId}");
        var html = WebUtility.HtmlDecode(raw);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<h2 id=\"e-mails\">E-mails</h2>", html);
        Assert.Contains($"Aan: Ouder van {_pupilName} <{_parentAddress}>", html);
        Assert.Contains($"Over: {_pupilName}", html);
        Assert.Contains("Mislukt: De mailserver is niet bereikbaar", html);
        Assert.Contains("Aan: Directie Regenboog <directie@regenboog.test>", html);
        Assert.Contains("Verstuurd op di 24-11-2026 10:05", html); // 09:05 UTC in Amsterdam time
        Assert.Contains("1 poging", html);
        Assert.Contains($"href=\"{EmailPage(_failed)}#opnieuw-versturen\"", html);
        Assert.DoesNotContain($"href=\"{EmailPage(_sent)}#opnieuw-versturen\"", html);

        var (pageStatus, pageRaw) = await coordinator.GetAsync(EmailPage(_failed));
        var page = WebUtility.HtmlDecode(pageRaw);
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Contains("Wij hebben met uw kind gesproken; wij pakken het op.", page);
        Assert.Contains("Uitgesteld, later opnieuw geprobeerd — De mailserver is niet bereikbaar", page);
        Assert.Contains("<label for=\"Address\">E-mailadres van de ouder</label>", page);
        Assert.Equal(_parentAddress, PageSession.InputValue(page, "Address"));

        // An uncertain email says so.
        await using (var scope = _s.App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Emails.Where(e => e.Id == _failed.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Uncertain));
        Assert.Contains("Onzeker: mogelijk niet aangekomen", WebUtility.HtmlDecode((await coordinator.GetAsync($"/zaken/{_caseId}")).Html));

        // The same as JSON, for the leader and the admin too.
        foreach (var who in new[] { HostApp.Coordinator, HostApp.Leader, HostApp.Admin })
        {
            var list = (await (await _s.As(who)).GetJsonAsync($"/api/cases/{_caseId}/emails")).AsArray();
            Assert.Equal([_failed.Id, _sent.Id], list.Select(e => (string)e!["id"]!));
            Assert.Equal(["Onzeker: mogelijk niet aangekomen", "Verstuurd op di 24-11-2026 10:05"], list.Select(e => (string)e!["statusText"]!));
            Assert.Equal([true, false], list.Select(e => (bool)e!["canResend"]!));
            Assert.Equal(_pupilName, (string?)list[0]!["pupilName"]);
        }
    }

    [Fact]
    public async Task A_teacher_who_sees_the_case_does_not_see_its_emails_and_another_school_finds_nothing()
    {
        using var reporter = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (status, html) = await reporter.GetAsync($"/zaken/{_caseId}");
        Assert.Equal(HttpStatusCode.OK, status); // she sees the case she reported
        Assert.DoesNotContain("id=\"e-mails\"", html);
        Assert.DoesNotContain(_parentAddress, html);
        Assert.DoesNotContain("Terugkoppeling over uw kind", html);
        Assert.Equal(HttpStatusCode.NotFound, (await reporter.GetAsync(EmailPage(_failed))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(HostApp.Teacher1, HttpMethod.Get, $"/api/cases/{_caseId}/emails")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(HostApp.Teacher1, HttpMethod.Get, $"/api/cases/{_caseId}/emails/{_failed.Id}")).Status);
        // Nor can she resend one.
        using (var refused = await reporter.PostFormWithTokenAsync(EmailPage(_failed), PageSession.Token((await reporter.GetAsync($"/zaken/{_caseId}")).Html), [new("Address", "nieuw@ouders.test")]))
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        foreach (var stranger in new[] { HostApp.OtherCoordinator, HostApp.OtherTeacher })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(stranger, HttpMethod.Get, $"/api/cases/{_caseId}/emails")).Status);
            using var session = await PageSession.SignInAsync(_s.App, stranger);
            Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync(EmailPage(_failed))).Status);
        }
        // A guessed email id under a case she may see the emails of is not found either.
        Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Get, $"/api/cases/{_caseId}/emails/{Guid.CreateVersion7().ToString("N")}")).Status);
        Assert.Equal(2, (await EmailsAsync()).Count);
        Assert.Equal(_parentAddress, (await GuardianAsync()).Email);
    }

    [Fact]
    public async Task After_correcting_the_parents_address_the_email_is_delivered_once_to_the_new_address_and_the_old_one_stays()
    {
        const string corrected = "ouder.verbeterd@ouders.regenboog.test";
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        using (var resent = await ResendAsync(coordinator, EmailPage(_failed), corrected))
        {
            Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
            Assert.Equal($"/zaken/{_caseId}#e-mails", resent.Headers.Location?.OriginalString);
        }
        Assert.Equal(corrected, (await GuardianAsync()).Email);

        Assert.Equal(1, await DispatchAsync());
        Assert.Equal(0, await DispatchAsync());
        var received = Assert.Single(_smtp!.ReceivedEmail);
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(received.Data)));
        Assert.Equal(corrected, message.To.Mailboxes.Single().Address);
        Assert.Equal("Terugkoppeling over uw kind", message.Subject);
        Assert.Contains("Wij hebben met uw kind gesproken", message.TextBody);

        var emails = await EmailsAsync();
        Assert.Equal(3, emails.Count);
        var copy = emails.Single(e => e.Id != _failed.Id && e.Id != _sent.Id);
        Assert.NotEqual(_failed.MessageId, copy.MessageId);
        Assert.Equal(copy.MessageId, message.MessageId);
        Assert.Equal((EmailStatus.Sent, _pupilId), (copy.Status, copy.PupilId));
        var old = emails.Single(e => e.Id == _failed.Id);
        Assert.Equal((EmailStatus.Resent, _parentAddress), (old.Status, old.To));

        // The dossier keeps the old one, marked, beside the new one; the timeline says it without the address.
        var html = WebUtility.HtmlDecode((await coordinator.GetAsync($"/zaken/{_caseId}")).Html);
        Assert.Contains("Mislukt: De mailserver is niet bereikbaar", html);
        Assert.Contains("· opnieuw verstuurd", html);
        Assert.Contains($"<{corrected}>", html);
        Assert.Contains($"E-mail aan de ouders van {_pupilName} opnieuw verstuurd naar een verbeterd adres.", html);
        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var teachersView = WebUtility.HtmlDecode((await teacher.GetAsync($"/zaken/{_caseId}")).Html);
        Assert.Contains("opnieuw verstuurd naar een verbeterd adres", teachersView);
        Assert.DoesNotContain(corrected, teachersView);
        Assert.DoesNotContain(_parentAddress, teachersView);

        // Sent twice by a second click: refused, nothing more delivered.
        using (var again = await ResendAsync(coordinator, EmailPage(_failed), corrected))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("al opnieuw verstuurd", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));
        }
        Assert.Equal(0, await DispatchAsync());
        Assert.Single(_smtp.ReceivedEmail);
    }

    [Fact]
    public async Task A_sent_email_cannot_be_resent()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        var (_, pageHtml) = await coordinator.GetAsync(EmailPage(_sent));
        Assert.DoesNotContain("Opnieuw versturen</button>", pageHtml);
        using var refused = await coordinator.PostFormWithTokenAsync(EmailPage(_sent), PageSession.Token((await coordinator.GetAsync($"/zaken/{_caseId}")).Html), [new("Address", "directie@regenboog.test")]);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Dit bericht is verstuurd; het kan niet opnieuw worden verstuurd.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(2, (await EmailsAsync()).Count);
        Assert.Equal(0, await DispatchAsync());
        Assert.Empty(_smtp!.ReceivedEmail);
    }

    [Fact]
    public async Task An_invalid_address_is_refused_in_Dutch_and_stays_as_typed()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        foreach (var typed in new[] { "ouder@@voorbeeld.nl", "geen adres", "ouder@voorbeeld" })
        {
            using var refused = await ResendAsync(coordinator, EmailPage(_failed), typed);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            Assert.Contains("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.", html);
            Assert.Equal(typed, PageSession.InputValue(html, "Address"));
        }
        Assert.Equal(_parentAddress, (await GuardianAsync()).Email);
        Assert.Equal(EmailStatus.Failed, (await EmailsAsync()).Single(e => e.Id == _failed.Id).Status);
        Assert.Equal(2, (await EmailsAsync()).Count);
    }

    [Fact]
    public async Task Resending_to_the_same_address_leaves_the_guardian_as_it_is()
    {
        using var coordinator = await PageSession.SignInAsync(_s.App, HostApp.Coordinator);
        using (var resent = await ResendAsync(coordinator, EmailPage(_failed), _parentAddress))
            Assert.Equal(HttpStatusCode.Redirect, resent.StatusCode);
        Assert.Equal(1, await DispatchAsync());
        Assert.Equal(_parentAddress, Assert.Single(_smtp!.ReceivedEmail).ToAddresses.Single().Address);
        Assert.Equal(_parentAddress, (await GuardianAsync()).Email);
        var html = WebUtility.HtmlDecode((await coordinator.GetAsync($"/zaken/{_caseId}")).Html);
        Assert.Contains($"E-mail aan de ouders van {_pupilName} opnieuw verstuurd.", html);
    }

    [Fact]
    public async Task Two_coordinators_resending_the_same_email_at_once_send_one_copy()
    {
        async Task<EmailResendResult> ResendAsOneCoordinatorAsync(string address)
        {
            await using var scope = _s.App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var userId = await db.Users.Where(u => u.Email == HostApp.Coordinator).Select(u => u.Id).SingleAsync();
            var staff = (await StaffAccessor.LoadAsync(db, userId, null, CancellationToken.None))!;
            return await scope.ServiceProvider.GetRequiredService<CaseEmails>().ResendAsync(staff, _caseId, _failed.Id, address, CancellationToken.None);
        }

        // On threads of their own: SQLite's async calls complete synchronously, so two plain calls would run one after the other.
        using var start = new Barrier(2);
        var results = await Task.WhenAll(
            Task.Run(() => { start.SignalAndWait(); return ResendAsOneCoordinatorAsync("eerste@ouders.regenboog.test"); }),
            Task.Run(() => { start.SignalAndWait(); return ResendAsOneCoordinatorAsync("tweede@ouders.regenboog.test"); }));
        Assert.Single(results, r => r.Status == EmailResendStatus.Resent);
        Assert.Single(results, r => r.Status == EmailResendStatus.NotResendable);
        Assert.Equal(1, await DispatchAsync());
        Assert.Equal(0, await DispatchAsync());
        var delivered = Assert.Single(_smtp!.ReceivedEmail).ToAddresses.Single().Address;
        Assert.Equal(delivered, (await GuardianAsync()).Email);
        Assert.Equal(3, (await EmailsAsync()).Count);
    }

    [Fact]
    public async Task The_list_filter_and_the_rule_for_one_case_agree_for_every_person()
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var access = scope.ServiceProvider.GetRequiredService<StaffAccess>();
        var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == _caseId);
        var seen = 0;
        foreach (var userId in await db.Users.Select(u => u.Id).ToListAsync())
        {
            var staff = (await StaffAccessor.LoadAsync(db, userId, null, CancellationToken.None))!;
            if (!staff.IsStaffMember) continue;
            var listed = await access.CaseEmails(staff).Where(e => e.CaseId == _caseId).CountAsync();
            var may = await access.MayAsync(staff, AccessOperations.SeeCaseEmails, @case, CancellationToken.None);
            Assert.True((listed == 2) == may && (listed == 0) == !may, $"SeeCaseEmails for {staff.DisplayName}: listed {listed}, rule {may}");
            if (may) seen++;
        }
        Assert.Equal(3, seen); // the coordinator, the leader and the admin of De Regenboog
    }
}
