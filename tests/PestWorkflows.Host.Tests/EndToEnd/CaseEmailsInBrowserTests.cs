using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.EndToEnd;

/// <summary>On a phone, the coordinator corrects a parent's address under a failed email of a case and sends it again.</summary>
public sealed class CaseEmailsInBrowserTests(ITestOutputHelper output) : HostInBrowser(output)
{
    private const string EveryFieldLabelled =
        "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].every(e => e.labels.length > 0 || e.hasAttribute('aria-label'))";
    private const string NoSidewaysScroll = "() => document.documentElement.scrollWidth <= window.innerWidth";

    [Fact]
    public async Task The_coordinator_corrects_a_parents_address_and_resends_the_failed_email_on_a_phone()
    {
        var teacher = await ApiAsync("leerkracht1@regenboog.test");
        var pupil = (await teacher.GetJsonAsync("/api/pupils")).AsArray()[0]!;
        var (pupilId, pupilName) = ((string)pupil["id"]!, (string)pupil["name"]!);
        var caseId = (string)(await teacher.PostJsonAsync("/api/cases", SchoolApp.Signal((pupilId, "Bullied"))))["id"]!;

        // A parents' email the mail server refused, as the outbox leaves it (no protocol step writes one yet).
        string failedId, oldAddress;
        await using (var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={DatabasePath}").Options))
        {
            oldAddress = (await db.Guardians.SingleAsync(g => g.PupilId == pupilId)).Email;
            var now = DateTimeOffset.UtcNow;
            failedId = Guid.CreateVersion7(now).ToString("N");
            db.Emails.Add(new EmailMessage
            {
                Id = failedId, SchoolId = "regenboog", CaseId = caseId, PupilId = pupilId, RecipientKind = EmailRecipientKind.Parent,
                Template = "ParentsFeedback", From = "De Regenboog <noreply@regenboog.test>", To = oldAddress, ToName = "Ouder van " + pupilName,
                Subject = "Terugkoppeling over uw kind", TextBody = "Beste ouder,\n\nWij pakken het op.", MessageId = $"{failedId}@regenboog.test",
                Status = EmailStatus.Failed, Attempts = 1, LastError = "De mailserver weigert het bericht (550): Mailbox unavailable", CreatedAt = now,
                AttemptLog = [new EmailAttempt { Number = 1, StartedAt = now, FinishedAt = now, Outcome = EmailAttemptOutcome.Rejected, Error = "De mailserver weigert het bericht (550): Mailbox unavailable" }],
            });
            await db.SaveChangesAsync();
        }

        await using var coordinator = await Browser.NewPageAsync(390, 844);
        var page = coordinator.Page;
        await page.GotoAsync($"{Host.Url}/inloggen");
        await SignInAsync(page, "apc@regenboog.test");
        await page.WaitForURLAsync($"{Host.Url}/");
        await page.GotoAsync($"{Host.Url}/zaken/{caseId}");
        await WaitAsync(coordinator, page.Locator("#e-mail-lijst"), "case-emails-timeout");
        Assert.Contains("Mislukt: De mailserver weigert het bericht (550)", await page.InnerTextAsync($"li[data-email='{failedId}']"));
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the dossier with its emails scrolls sideways at 390 px");

        await page.ClickAsync($"li[data-email='{failedId}'] a.email-resend");
        await page.WaitForURLAsync($"**/zaken/{caseId}/emails/{failedId}*");
        Assert.True(await page.EvaluateAsync<bool>(EveryFieldLabelled), "a field on the email page has no label");
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the email page scrolls sideways at 390 px");
        await coordinator.ScreenshotAsync("case-email-phone");

        // A mistyped address is refused and stays as typed.
        await page.GetByLabel("E-mailadres van de ouder").FillAsync("ouder@voorbeeld");
        await page.ClickAsync("#opnieuw-versturen button[type=submit]");
        await WaitAsync(coordinator, page.Locator("#fout"), "case-email-refused-timeout");
        Assert.Contains("Vul een geldig e-mailadres in", await page.InnerTextAsync("#fout"));
        Assert.Equal("ouder@voorbeeld", await page.InputValueAsync("#Address"));

        const string corrected = "ouder.nieuw@ouders.regenboog.test";
        await page.GetByLabel("E-mailadres van de ouder").FillAsync(corrected);
        await page.ClickAsync("#opnieuw-versturen button[type=submit]");
        await page.WaitForURLAsync($"**/zaken/{caseId}#e-mails");
        Assert.Contains("opnieuw verstuurd", await page.InnerTextAsync($"li[data-email='{failedId}']"));
        Assert.Contains(corrected, await page.InnerTextAsync("#e-mail-lijst"));
        Assert.Contains("opnieuw verstuurd naar een verbeterd adres", await page.InnerTextAsync("#tijdlijn"));
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the dossier scrolls sideways at 390 px after resending");

        var emails = (await (await ApiAsync("apc@regenboog.test")).GetJsonAsync($"/api/cases/{caseId}/emails")).AsArray();
        // Beside the staff's new-task email of the report: the failed parents' email and its resent copy.
        Assert.Equal([oldAddress, corrected], emails.Where(e => (string?)e!["recipientKind"] == "Parent").Select(e => (string)e!["to"]!));
        Assert.Empty(coordinator.ConsoleErrors);
    }
}
