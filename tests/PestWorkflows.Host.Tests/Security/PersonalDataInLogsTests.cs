using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Security;

/// <summary>
/// The logs hold records about minors only by id: the whole protocol over HTTP (API and pages, every
/// email written and sent, forgot password, a failed sign-in) with every category logging at Debug,
/// and no pupil's name, parent's name or parent's or staff member's email address in any line.
/// </summary>
public sealed class PersonalDataInLogsTests
{
    [Fact]
    public async Task No_pupil_or_parent_name_and_no_email_address_appears_in_any_log_line()
    {
        await using var school = new SchoolApp(configureServices: services =>
        {
            services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
            // Everything at Debug, as an operator hunting a problem would set it (the host's own rules for
            // single categories stay).
            services.Configure<LoggerFilterOptions>(o =>
            {
                o.MinLevel = LogLevel.Debug;
                foreach (var category in new string?[] { null, "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "PestWorkflows" })
                    o.Rules.Add(new LoggerFilterRule(null, category, LogLevel.Debug, null));
            });
        });
        var app = school.App;
        var pupils = await school.PupilsAsync(HostApp.Teacher1);
        var bullied = pupils[10];
        var bully = pupils[11];
        // A search by name, as the report form does while typing.
        await school.PupilsAsync(HostApp.Teacher1, ((string)bullied["name"]!).Split(' ')[0]);

        var created = await school.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)bullied["id"]!, "Bullied"), ((string)bully["id"]!, "Bully")));
        var caseId = (string)created["id"]!;
        await school.UpToMonitoringAsync(caseId);
        await DispatchAsync(app);
        app.Clock.Advance(TimeSpan.FromDays(14));
        await school.RunTimersAsync();
        await school.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Continues", ["observations"] = "gaat door" });
        await school.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.PlanMeeting", new JsonObject { ["meetingAt"] = "2026-12-10T15:30", ["place"] = "kamer van de directie" });
        await school.CompleteAsync(HostApp.Leader, caseId, "Pestprotocol.ConversationWithBullyParents", new JsonObject { ["heldOn"] = "2026-12-10", ["notes"] = "ouders gesproken", ["consequences"] = "pauze binnen" });
        app.Clock.Advance(TimeSpan.FromDays(14));
        await school.RunTimersAsync();
        await school.CompleteAsync(HostApp.Coordinator, caseId, "Pestprotocol.MonitorBehaviour", new JsonObject { ["outcome"] = "Stopped", ["observations"] = "gestopt" });
        Assert.Equal("Closed", (string?)(await school.CaseAsync(HostApp.Coordinator, caseId))["status"]);
        await DispatchAsync(app);

        // The pages: the dossier, the pupil's page, forgot password, a wrong password.
        using (var page = await PageSession.SignInAsync(app, HostApp.Coordinator))
        {
            Assert.Equal(HttpStatusCode.OK, (await page.GetAsync($"/zaken/{caseId}")).Status);
            Assert.Equal(HttpStatusCode.OK, (await page.GetAsync($"/leerlingen/{(string)bullied["id"]!}")).Status);
        }
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var token = PageSession.Token(await browser.GetStringAsync("/wachtwoord-vergeten"));
        foreach (var email in new[] { HostApp.Teacher2, "onbekend@example.test" })
            await browser.PostAsync("/wachtwoord-vergeten", new FormUrlEncodedContent([new("Email", email), new("__RequestVerificationToken", token)]));
        await DispatchAsync(app);
        using (var wrong = await app.CreateClient().PostAsync("/api/auth/login", HttpJson.Content(new JsonObject { ["email"] = HostApp.Leader, ["password"] = "fout" })))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        var personal = await PersonalDataAsync(app);
        // The first names of the pupils of the case too (a search by name carries one).
        personal.AddRange(new[] { bullied, bully }.Select(p => ("pupil first name", Word(((string)p["name"]!).Split(' ')[0]))));
        var lines = app.Log.Entries;
        Assert.True(lines.Count > 100, $"only {lines.Count} log lines: is Debug logging on?");
        var found = lines
            .SelectMany(line => personal.Where(p => p.Pattern.IsMatch(line.Message) || p.Pattern.IsMatch(WebUtility.UrlDecode(line.Message)))
                .Select(p => $"{p.What} in [{line.Category}] {line.Message}"))
            .Distinct().Take(20).ToList();
        Assert.True(found.Count == 0, "personal data in the logs:\n" + string.Join("\n", found));
    }

    private static async Task DispatchAsync(HostApp app)
    {
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        for (var i = 0; i < 20 && await dispatcher.DispatchDueAsync() > 0; i++) { }
    }

    /// <summary>Every pupil's full and last name, every parent's name and address, every staff address of the demo schools.</summary>
    private static async Task<List<(string What, Regex Pattern)>> PersonalDataAsync(HostApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var values = new List<(string, string)>();
        foreach (var pupil in await db.Pupils.Include(p => p.Guardians).ToListAsync())
        {
            values.Add(("pupil name", pupil.FullName));
            values.AddRange(pupil.Guardians.Select(g => ("parent name", g.Name)));
            values.AddRange(pupil.Guardians.Select(g => ("parent email", g.Email)));
        }
        values.AddRange((await db.Users.Select(u => u.Email!).ToListAsync()).Select(e => ("staff email", e)));
        return values.Where(v => v.Item2.Length > 0).Distinct()
            .Select(v => (v.Item1, Word(v.Item2))).ToList();
    }

    /// <summary>The text as a whole word (not inside a longer one), in any case.</summary>
    private static Regex Word(string text) => new($@"(?<![\p{{L}}\w]){Regex.Escape(text)}(?![\p{{L}}\w])", RegexOptions.IgnoreCase);
}
