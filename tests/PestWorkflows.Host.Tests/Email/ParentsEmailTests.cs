using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ical.Net.CalendarComponents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// The parents' emails of the protocol, through a real SMTP server on loopback: who gets what after
/// step 4, at step 6 and on closing, with the school's letter once per family, an .ics with the
/// meeting, and never another child's name; a template that could name another child is refused
/// when the protocol is saved, and one whose text does is refused when it would be sent.
/// </summary>
public sealed class ParentsEmailTests : IAsyncLifetime
{
    private SimpleSmtpServer _smtp = null!;
    private SchoolApp _s = null!;
    private Kid _bullied = null!, _bully = null!;
    private readonly HashSet<string> _seen = [];

    private sealed record Kid(string Id, string FirstName, string Name, string ParentEmail);

    public async Task InitializeAsync()
    {
        _smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        _s = new SchoolApp(configureServices: services =>
        {
            services.Configure<SmtpOptions>(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = _smtp.Configuration.Port;
                o.Security = SmtpSecurity.None;
                o.From = "Basisschool De Regenboog <noreply@regenboog.test>";
            });
            services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
            // Every new task also emails staff (StaffEmailTests); these tests count the parents' and the MDO's emails.
            services.Remove(services.Single(d => d.ImplementationType == typeof(NewTaskStaffEmails)));
        });
        var pupils = await _s.PupilsAsync(HostApp.Teacher1);
        // Zoë (ë in her name) is the bullied child; the bully shares neither her first nor her last name.
        var zoe = pupils.First(p => (string)p["firstName"]! == "Zoë");
        var bully = pupils.First(p => (string)p["firstName"]! != "Zoë" && (string)p["lastName"]! != (string)zoe["lastName"]!
            && !((string)zoe["name"]!).Contains((string)p["firstName"]!));
        _bullied = await KidAsync(zoe);
        _bully = await KidAsync(bully);
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        _smtp.Dispose();
    }

    private async Task<Kid> KidAsync(JsonNode pupil)
    {
        await using var scope = _s.App.Services.CreateAsyncScope();
        var id = (string)pupil["id"]!;
        var email = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Guardians.Where(g => g.PupilId == id).Select(g => g.Email).SingleAsync();
        return new Kid(id, (string)pupil["firstName"]!, (string)pupil["name"]!, email);
    }

    private async Task<List<MimeMessage>> SendOutboxAsync()
    {
        while (await _s.App.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync() > 0) { }
        // The server's list is not in arrival order: new is what was not seen before.
        var received = _smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToList();
        Assert.Equal(received.Count, received.Select(m => m.MessageId).Distinct().Count()); // none delivered twice
        var fresh = received.Where(m => _seen.Add(m.MessageId ?? "")).ToList();
        return fresh;
    }

    private async Task<string> ReportAsync() =>
        (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((_bullied.Id, "Bullied"), (_bully.Id, "Bully"))))["id"]!;

    private async Task EndMonitoringAsync(string caseId, string outcome)
    {
        _s.App.Clock.Advance(TimeSpan.FromDays(14));
        await _s.RunTimersAsync();
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = outcome, ["observations"] = "gevolgd" });
    }

    private static string Everything(MimeMessage m) =>
        string.Join("\n", m.Subject, m.To.ToString(), m.TextBody ?? "", m.HtmlBody ?? "", string.Join("\n", m.Attachments.OfType<MimePart>().Select(Text)));

    private static string Text(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content?.DecodeTo(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void AssertNamesOnly(MimeMessage message, Kid own)
    {
        var other = own == _bullied ? _bully : _bullied;
        var all = Everything(message);
        Assert.Contains(own.FirstName, all);
        Assert.DoesNotMatch($@"(?<!\p{{L}}){System.Text.RegularExpressions.Regex.Escape(other.FirstName)}(?!\p{{L}})", all);
        Assert.DoesNotContain(other.Name, all);
        Assert.Equal(own.ParentEmail, Assert.Single(message.To.Mailboxes).Address);
    }

    [Fact]
    public async Task Step_4_step_6_and_closing_email_exactly_the_right_parents_in_Dutch_with_the_letter_once_and_an_invitation_for_their_agenda()
    {
        var caseId = await ReportAsync();
        await _s.UpToMonitoringAsync(caseId);

        // After step 4: Zoë's parents, with the school's letter.
        var feedback = Assert.Single(await SendOutboxAsync());
        Assert.Equal("Wij hebben met Zoë gesproken", feedback.Subject);
        AssertNamesOnly(feedback, _bullied);
        Assert.Equal("apc@regenboog.test", Assert.Single(feedback.ReplyTo.Mailboxes).Address);
        Assert.Contains("Wij hebben vandaag op school met Zoë gesproken", feedback.TextBody);
        Assert.Contains("anti-pestcoördinator, De Regenboog", feedback.TextBody);
        Assert.Contains("Informatie voor ouders en verzorgers", feedback.TextBody);
        Assert.Contains("Eén ding staat voorop: pesten mag niet.", feedback.TextBody);
        Assert.Contains("<h2>Informatie voor ouders en verzorgers</h2>", feedback.HtmlBody);
        Assert.Contains("Zoë", feedback.HtmlBody);

        // It goes on: step 6 is planned, and the bully's parents are invited with an .ics.
        await EndMonitoringAsync(caseId, "Continues");
        Assert.Empty(await SendOutboxAsync());
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.PlanMeeting", new JsonObject { ["meetingAt"] = "2026-12-10T15:30", ["place"] = "Kamer van de directie" });
        var invitation = Assert.Single(await SendOutboxAsync());
        Assert.Equal($"Uitnodiging voor een gesprek over {_bully.FirstName}", invitation.Subject);
        AssertNamesOnly(invitation, _bully);
        Assert.Contains("Wanneer: donderdag 10 december 2026 om 15:30 uur", invitation.TextBody);
        Assert.Contains("Waar: Kamer van de directie", invitation.TextBody);
        Assert.Contains("Informatie voor ouders en verzorgers", invitation.TextBody); // this family's first email of the case
        var ics = Assert.Single(invitation.Attachments.OfType<MimePart>());
        Assert.Equal(("uitnodiging.ics", "text/calendar"), (ics.FileName, ics.ContentType.MimeType));
        var calendar = Ical.Net.Calendar.Load(Text(ics))!;
        var meeting = Assert.Single(calendar.Events);
        Assert.Equal("Europe/Amsterdam", meeting.Start!.TzId);
        Assert.Equal(new DateTime(2026, 12, 10, 15, 30, 0), meeting.Start.Value);
        Assert.Equal(new DateTime(2026, 12, 10, 14, 30, 0, DateTimeKind.Utc), meeting.Start.AsUtc);
        Assert.Equal(TimeSpan.FromMinutes(45), meeting.End!.AsUtc - meeting.Start.AsUtc);
        Assert.Equal("Kamer van de directie", meeting.Location);

        // It stopped: both families hear that the case is closed, each about their own child, without the letter again.
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.ConversationWithBullyParents", new JsonObject { ["heldOn"] = "2026-12-10", ["notes"] = "ouders gesproken" });
        await EndMonitoringAsync(caseId, "Stopped");
        var closing = await SendOutboxAsync();
        Assert.Equal(2, closing.Count);
        foreach (var kid in new[] { _bullied, _bully })
        {
            var message = Assert.Single(closing, m => m.To.Mailboxes.Single().Address == kid.ParentEmail);
            Assert.Equal($"Afronding: het gedrag rond {kid.FirstName} is gestopt", message.Subject);
            AssertNamesOnly(message, kid);
            Assert.DoesNotContain("Informatie voor ouders en verzorgers", message.TextBody);
        }
        Assert.Equal(4, _smtp.ReceivedEmailCount);

        // The timeline says who was emailed.
        var timeline = (await _s.CaseAsync(HostApp.Coordinator, caseId))["timeline"]!.AsArray().Select(e => (string)e!["text"]!).ToList();
        Assert.Contains(timeline, t => t.Contains($"aan de ouders van {_bullied.Name} klaargezet voor verzending naar {_bullied.ParentEmail}, met de brief aan ouders"));
        Assert.Contains(timeline, t => t.Contains($"aan de ouders van {_bully.Name} klaargezet voor verzending naar {_bully.ParentEmail}"));
        Assert.Equal("Closed", (string?)(await _s.CaseAsync(HostApp.Coordinator, caseId))["status"]);
    }

    [Fact]
    public async Task The_MDO_invitation_goes_to_the_people_chosen_about_the_bully_only_with_an_ics()
    {
        var caseId = await ReportAsync();
        await _s.UpToMonitoringAsync(caseId);
        await EndMonitoringAsync(caseId, "Continues");
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.PlanMeeting", new JsonObject { ["meetingAt"] = "2026-12-10T15:30", ["place"] = "Kamer van de directie" });
        await _s.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.ConversationWithBullyParents", new JsonObject { ["heldOn"] = "2026-12-10", ["notes"] = "ouders gesproken" });
        await EndMonitoringAsync(caseId, "Continues");
        await SendOutboxAsync();

        var plan = await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanMdo");
        var staff = plan["fields"]!.AsArray().Single(f => (string?)f!["name"] == "staff")!["options"]!.AsArray()
            .ToDictionary(o => (string)o!["label"]!, o => (string)o!["value"]!);
        await _s.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.PlanMdo", new JsonObject
        {
            ["meetingAt"] = "2027-01-12T13:00",
            ["place"] = "Teamkamer",
            ["staff"] = new JsonArray(staff["Marieke Bos"]),
            ["otherAddresses"] = "Jeugdarts GGD <jeugdarts@ggd.test>\ngeen-adres",
            ["inviteBullyParents"] = true,
        });

        var invitations = await SendOutboxAsync();
        Assert.Equal(new[] { "directie@regenboog.test", "jeugdarts@ggd.test", _bully.ParentEmail }.Order(),
            invitations.Select(m => m.To.Mailboxes.Single().Address).Order());
        foreach (var invitation in invitations)
        {
            Assert.Equal($"Uitnodiging MDO over {_bully.FirstName}", invitation.Subject);
            var all = Everything(invitation);
            Assert.Contains(_bully.Name, all);
            Assert.DoesNotContain(_bullied.Name, all);
            Assert.DoesNotContain("Zoë", all);
            Assert.Contains("Wanneer: dinsdag 12 januari 2027 om 13:00 uur", invitation.TextBody);
            var meeting = Assert.Single(Ical.Net.Calendar.Load(Text(Assert.Single(invitation.Attachments.OfType<MimePart>())))!.Events);
            Assert.Equal(new DateTime(2027, 1, 12, 12, 0, 0, DateTimeKind.Utc), meeting.Start!.AsUtc);
            Assert.Equal("Teamkamer", meeting.Location);
        }
        Assert.Contains("Beste Jeugdarts GGD,", invitations.Single(m => m.To.Mailboxes.Single().Address == "jeugdarts@ggd.test").TextBody);
        var timeline = (await _s.CaseAsync(HostApp.Coordinator, caseId))["timeline"]!.AsArray().Select(e => (string)e!["text"]!).ToList();
        Assert.Contains(timeline, t => t.StartsWith($"Uitnodiging MDO over {_bully.Name} klaargezet voor verzending naar "));
        Assert.Contains("Uitnodiging MDO niet verstuurd naar 'geen-adres': dat is geen e-mailadres.", timeline);
        Assert.Equal(7, (int)(await _s.CaseAsync(HostApp.Coordinator, caseId))["currentStep"]!);
    }

    private async Task<JsonObject> SchoolProtocolAsync() =>
        (await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/elsa/api/workflow-definitions/by-definition-id/pestprotocol-regenboog?versionOptions=Latest")).AsObject();

    private static JsonObject FeedbackMail(JsonObject definition) =>
        definition["root"]!["activities"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["id"] == "MailBullied");

    [Fact]
    public async Task A_template_that_reaches_for_another_pupil_of_the_case_is_refused_when_the_protocol_is_saved()
    {
        var definition = await SchoolProtocolAsync();
        FeedbackMail(definition)["body"] = new JsonObject
        {
            ["typeName"] = "String",
            ["expression"] = new JsonObject { ["type"] = "Liquid", ["value"] = "Beste ouders, {{ pupil.firstName }} is gepest door {{ case.pupils[1].name }}." },
        };

        var answer = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, "/elsa/api/workflow-definitions", new JsonObject { ["model"] = definition, ["publish"] = true });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        var errors = answer.Json["errors"]!["activities/MailBullied/body"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Contains(errors, e => e.Contains("'case.pupils[]'") && e.Contains("noemt alleen hun eigen kind"));

        // The MDO invitation follows the same rule: a workflow variable could hold anyone's name.
        definition = await SchoolProtocolAsync();
        definition["root"]!["activities"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string?)a["id"] == "InviteMdo")["subject"] = new JsonObject
        {
            ["typeName"] = "String",
            ["expression"] = new JsonObject { ["type"] = "Liquid", ["value"] = "MDO over {{ Variables.GesprekGepesteDoor }}" },
        };
        answer = await _s.SendAsync(HostApp.Coordinator, HttpMethod.Post, "/elsa/api/workflow-definitions", new JsonObject { ["model"] = definition, ["publish"] = true });
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("'Variables.GesprekGepesteDoor'", (string)answer.Json["errors"]!["activities/InviteMdo/subject"]![0]!);
        Assert.Equal(1, (int)(await SchoolProtocolAsync())["version"]!); // nothing stored
    }

    [Fact]
    public async Task A_template_whose_text_names_another_pupil_of_the_case_sends_nothing_and_says_so_on_the_timeline()
    {
        // The name is typed into the template: the save cannot know it belongs to a pupil of a later case.
        var definition = await SchoolProtocolAsync();
        FeedbackMail(definition)["body"] = new JsonObject
        {
            ["typeName"] = "String",
            ["expression"] = new JsonObject { ["type"] = "Liquid", ["value"] = $"Beste ouders, {{{{ pupil.firstName }}}} is gepest door {_bully.FirstName}." },
        };
        await (await _s.As(HostApp.Coordinator)).SaveDefinitionAsync(definition);

        var caseId = await ReportAsync();
        await _s.UpToMonitoringAsync(caseId);

        Assert.Empty(await SendOutboxAsync());
        await using (var scope = _s.App.Services.CreateAsyncScope())
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Emails.Where(e => e.CaseId == caseId).ToListAsync());
        var timeline = (await _s.CaseAsync(HostApp.Coordinator, caseId))["timeline"]!.AsArray().Select(e => (string)e!["text"]!).ToList();
        Assert.Contains(timeline, t => t.StartsWith($"E-mail aan de ouders van {_bullied.Name} niet verstuurd: de tekst noemt een ander kind van de zaak ({_bully.Name})"));
        Assert.Equal("Gedrag volgen", (string?)(await _s.CaseAsync(HostApp.Coordinator, caseId))["currentStepTitle"]); // the protocol went on
    }

    [Fact]
    public async Task The_schools_letter_to_parents_is_a_page_anyone_can_read()
    {
        using var anonymous = _s.App.CreateClient();
        var html = await anonymous.GetStringAsync("/scholen/regenboog/informatie-ouders");
        Assert.Contains("Informatie voor ouders en verzorgers", html);
        Assert.Contains("De Regenboog", html);
        using var missing = await anonymous.GetAsync("/scholen/bestaat-niet/informatie-ouders");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
