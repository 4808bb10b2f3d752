using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// Staff emails over a real SMTP server on loopback: a new task, step 1's reminder, the overdue alert
/// and a reassignment reach exactly the people concerned, once, with a link and nothing of the case;
/// the timeline names exactly who was emailed. The tests fire timers and dispatch the outbox themselves.
/// </summary>
public sealed class StaffEmailTests : IAsyncLifetime
{
    private const string BaseUrl = "https://pestworkflows.regenboog.test";
    private const string Description = "Tijdens de gymles werd hij keer op keer buitengesloten door drie klasgenoten.";
    private const string Location = "Gymzaal aan de Lindelaan";
    private static readonly DateTimeOffset TuesdayTen = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero); // 10:00 CET, due 17:00 CET

    private SimpleSmtpServer _smtp = null!;
    private SchoolApp _s = null!;
    private List<JsonNode> _pupils = [];

    public async Task InitializeAsync()
    {
        _smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        _s = new SchoolApp(TuesdayTen, services =>
        {
            services.Configure<SmtpOptions>(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = _smtp.Configuration.Port;
                o.Security = SmtpSecurity.None;
                o.From = "PestWorkflows <noreply@regenboog.test>";
            });
            services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
            services.Configure<EmailLinkOptions>(o => o.BaseUrl = BaseUrl);
        });
        _pupils = await _s.PupilsAsync(HostApp.Teacher1);
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        _smtp.Dispose();
    }

    private async Task<string> ReportAsync()
    {
        var signal = SchoolApp.Signal(((string)_pupils[0]["id"]!, "Bullied"), ((string)_pupils[1]["id"]!, "Bully"));
        signal["description"] = Description;
        signal["location"] = Location;
        return (string)(await _s.ReportAsync(HostApp.Teacher1, signal))["id"]!;
    }

    /// <summary>Sends what the outbox holds; answers what the SMTP server received since the last call.</summary>
    private readonly HashSet<string> _seen = [];
    private async Task<List<MimeMessage>> DeliverAsync()
    {
        var dispatcher = _s.App.Services.GetRequiredService<OutboxDispatcher>();
        while (await dispatcher.DispatchDueAsync() > 0) { }
        int sent;
        await using (var scope = _s.App.Services.CreateAsyncScope())
            sent = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Emails.CountAsync(e => e.Status == EmailStatus.Sent);
        // netDumbster files a message when the session ends, a moment after the server's "250 OK".
        for (var waited = 0; _smtp.ReceivedEmailCount < sent && waited < 200; waited++) await Task.Delay(25);
        Assert.Equal(sent, _smtp.ReceivedEmailCount);
        var all = _smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToList();
        // The server's list is in no particular order: what is new is what was not seen before.
        return all.Where(m => _seen.Add(m.MessageId ?? "")).ToList();
    }

    private static string To(MimeMessage m) => Assert.Single(m.To.Mailboxes).Address;

    private async Task<List<string>> TimelineAsync(string caseId) =>
        (await _s.CaseAsync(HostApp.Coordinator, caseId))["timeline"]!.AsArray().Select(e => (string)e!["text"]!).ToList();

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private async Task AtAsync(int hourUtc)
    {
        _s.App.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, hourUtc, 0, 0, TimeSpan.Zero));
        await _s.RunTimersAsync();
    }

    [Fact]
    public async Task Reporting_a_signal_emails_the_coordinator_a_link_to_the_task_and_nothing_of_the_case()
    {
        var caseId = await ReportAsync();
        var task = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator");

        var email = Assert.Single(await DeliverAsync());
        Assert.Equal(HostApp.Coordinator, To(email));
        Assert.Equal("Nieuwe taak in PestWorkflows", email.Subject);
        Assert.Contains($"{BaseUrl}/taken/{(string)task["id"]!}", email.TextBody);
        Assert.Contains($"href=\"{BaseUrl}/taken/{(string)task["id"]!}\"", email.HtmlBody);
        Assert.Contains("Stap 1: signalen bespreken met de anti-pestcoördinator", email.TextBody);
        Assert.Contains("Deadline: di 24-11-2026 17:00", email.TextBody);
        Assert.Contains("De Regenboog", email.TextBody);
        AssertNothingOfTheCase(email);
        Assert.Contains("Nieuwe taak per e-mail gemeld aan Diana de Wit.", await TimelineAsync(caseId));
    }

    [Fact]
    public async Task The_reminder_reaches_the_coordinator_and_the_overdue_alert_the_leader_once_each_and_the_timeline_names_them()
    {
        var caseId = await ReportAsync();
        await DeliverAsync(); // the new task

        await AtAsync(13); // 14:00 CET: nothing yet
        Assert.Empty(await DeliverAsync());
        await AtAsync(14); // 15:00 CET: the reminder
        await _s.RunTimersAsync();
        var reminder = Assert.Single(await DeliverAsync());
        Assert.Equal((HostApp.Coordinator, "Herinnering: een taak in PestWorkflows moet binnenkort af"), (To(reminder), reminder.Subject));
        Assert.Contains($"{BaseUrl}/taken/", reminder.TextBody);
        AssertNothingOfTheCase(reminder);

        await AtAsync(16); // 17:00 CET: the deadline
        await _s.RunTimersAsync();
        var alert = Assert.Single(await DeliverAsync());
        Assert.Equal((HostApp.Leader, "Te laat: een taak in PestWorkflows is niet op tijd afgerond"), (To(alert), alert.Subject));
        AssertNothingOfTheCase(alert);

        _s.App.Clock.Advance(TimeSpan.FromHours(2));
        await _s.RunTimersAsync();
        Assert.Empty(await DeliverAsync());
        var timeline = await TimelineAsync(caseId);
        Assert.Single(timeline, t => t == "Herinnering: stap 1 moet vandaag nog worden afgerond. De anti-pestcoördinator (Diana de Wit) is per e-mail herinnerd.");
        Assert.Single(timeline, t => t == "Stap 1 is niet op tijd afgerond; de zaak staat als te laat gemarkeerd. De directie (Marieke Bos) is per e-mail gewaarschuwd.");
    }

    [Fact]
    public async Task A_reminder_that_comes_due_only_after_the_deadline_is_not_emailed_and_the_timeline_says_so()
    {
        var caseId = await ReportAsync();
        await DeliverAsync();

        await AtAsync(16); // no host ran at 15:00: the reminder and the deadline fire together
        await _s.RunTimersAsync();

        var alert = Assert.Single(await DeliverAsync());
        Assert.Equal(HostApp.Leader, To(alert));
        Assert.Contains("Herinnering: stap 1 moet vandaag nog worden afgerond. Niemand kreeg een herinnering per e-mail: de deadline was al voorbij.", await TimelineAsync(caseId));
    }

    [Fact]
    public async Task Without_a_leader_account_the_overdue_line_says_that_nobody_was_warned()
    {
        await using (var scope = _s.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var leader = (await users.FindByEmailAsync(HostApp.Leader))!;
            Assert.True((await users.RemoveFromRoleAsync(leader, "Leader")).Succeeded);
            Assert.True((await users.AddToRoleAsync(leader, "Teacher")).Succeeded);
        }
        var caseId = await ReportAsync();
        await AtAsync(16);
        await _s.RunTimersAsync();

        Assert.DoesNotContain(await DeliverAsync(), m => m.Subject?.StartsWith("Te laat") == true);
        var timeline = await TimelineAsync(caseId);
        Assert.Contains("Stap 1 is niet op tijd afgerond; de zaak staat als te laat gemarkeerd. Er is geen directielid met een account en e-mailadres op deze school; niemand is per e-mail gewaarschuwd.", timeline);
        Assert.DoesNotContain(timeline, t => t.Contains("Marieke Bos"));
    }

    [Fact]
    public async Task Reassigning_a_task_emails_the_new_assignee_and_the_timeline_says_so()
    {
        var caseId = await ReportAsync();
        var task = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        await DeliverAsync();

        var assigned = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{task}/assign",
            new JsonObject { ["userId"] = await UserIdAsync(HostApp.Teacher2), ["reason"] = "Joost was erbij." });
        Assert.Equal(HttpStatusCode.OK, assigned.Status);

        var email = Assert.Single(await DeliverAsync());
        Assert.Equal((HostApp.Teacher2, "Een taak in PestWorkflows is aan jou toegewezen"), (To(email), email.Subject));
        Assert.Contains($"{BaseUrl}/taken/{task}", email.TextBody);
        AssertNothingOfTheCase(email);
        Assert.Contains("'Stap 1: signalen bespreken met de anti-pestcoördinator' is toegewezen aan Joost Mulder. Reden: Joost was erbij. Joost Mulder is per e-mail op de hoogte gebracht.",
            await TimelineAsync(caseId));

        // To a role: everyone with it.
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{task}/assign",
            new JsonObject { ["role"] = "Leader", ["reason"] = "De ouders vragen naar de directie." })).Status);
        var toLeader = Assert.Single(await DeliverAsync());
        Assert.Equal(HostApp.Leader, To(toLeader));
    }

    [Fact]
    public async Task A_step_title_that_names_a_pupil_is_left_out_of_the_email()
    {
        var caseId = await ReportAsync();
        var task = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        await DeliverAsync();
        // As a designer's expression in the step's title could make it.
        var pupil = (string)_pupils[0]["name"]!;
        await using (var scope = _s.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Tasks.Where(t => t.Id == task).ExecuteUpdateAsync(t => t.SetProperty(x => x.Title, $"Stap 1: praten over {pupil}"));
        }

        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{task}/assign",
            new JsonObject { ["userId"] = await UserIdAsync(HostApp.Teacher2), ["reason"] = "Joost was erbij." })).Status);

        var email = Assert.Single(await DeliverAsync());
        Assert.Contains($"Taak: {StaffEmails.TitleLeftOut}", email.TextBody);
        AssertNothingOfTheCase(email);
    }

    [Fact]
    public async Task A_refused_reassignment_emails_nobody()
    {
        var caseId = await ReportAsync();
        var task = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        await DeliverAsync();

        var refused = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, $"/api/tasks/{task}/assign",
            new JsonObject { ["userId"] = await UserIdAsync(HostApp.Teacher2) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Empty(await DeliverAsync());
    }

    [Fact]
    public async Task No_staff_email_of_a_whole_case_names_a_pupil_or_says_what_happened()
    {
        var caseId = await ReportAsync();
        await AtAsync(14);
        await AtAsync(16);
        var step1 = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Leader, HttpMethod.Post, $"/api/tasks/{step1}/assign",
            new JsonObject { ["role"] = "Coordinator", ["reason"] = "Graag vandaag nog oppakken." })).Status);
        await _s.UpToMonitoringAsync(caseId);

        var staff = await StaffAddressesAsync();
        var emails = (await DeliverAsync()).Where(m => staff.Contains(To(m))).ToList();
        // New tasks of steps 1–5 and the ESIS registration, the reminder, the alert, the reassignment at least.
        Assert.True(emails.Count >= 8, $"only {emails.Count} staff emails: {string.Join(" | ", emails.Select(m => m.Subject))}");
        Assert.Contains(emails, m => m.Subject?.StartsWith("Herinnering") == true);
        Assert.Contains(emails, m => m.Subject?.StartsWith("Te laat") == true);
        Assert.Contains(emails, m => m.Subject?.Contains("toegewezen") == true);
        foreach (var email in emails) AssertNothingOfTheCase(email);
    }

    private async Task<HashSet<string>> StaffAddressesAsync()
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Select(u => u.Email!).ToListAsync()).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>No pupil of the case by name (first name alone included), no word of the signal, in any part.</summary>
    private void AssertNothingOfTheCase(MimeMessage email)
    {
        var parts = new[] { email.Subject ?? "", email.TextBody ?? "", WebUtility.HtmlDecode(email.HtmlBody ?? "") };
        Assert.NotNull(email.HtmlBody);
        var forbidden = _pupils.Take(2).SelectMany(p => new[] { (string)p["name"]!, ((string)p["name"]!).Split(' ')[0] })
            .Concat([Description, "gymles", "buitengesloten", "klasgenoten", Location, "Gymzaal", "Lindelaan"]);
        foreach (var word in forbidden)
        foreach (var part in parts)
            Assert.False(Regex.IsMatch(part, $@"\b{Regex.Escape(word)}\b"), $"'{word}' in the email '{email.Subject}' to {To(email)}:\n{part}");
    }
}
