using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>The staff emails of a case on PostgreSQL: written in the step's (or the assignment's) transaction, named on the timeline.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StaffEmailOnPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task On_PostgreSQL_the_new_task_the_reminder_the_overdue_alert_and_a_reassignment_are_emailed_and_named_on_the_timeline()
    {
        var connectionString = postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync());
        using var folder = new TempDatabase();
        await using var app = new HostApp(folder, configureServices: services =>
        {
            services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
            services.Configure<EmailLinkOptions>(o => o.BaseUrl = "https://pestworkflows.regenboog.test");
        });
        await using var host = app.WithWebHostBuilder(b => b
            .UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString)
            .UseSetting("Documents:Path", Path.Combine(folder.Folder, "documents")));
        async Task<HttpClient> AsAsync(string email)
        {
            var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
            var login = await client.PostJsonAsync("/api/auth/login", new JsonObject { ["email"] = email, ["password"] = HostApp.Password });
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);
            return client;
        }
        using var teacher = await AsAsync(HostApp.Teacher1);

        using var reported = await teacher.PostAsync("/api/cases", HttpJson.Content(SchoolApp.Signal(("rb-033", "Bullied"))));
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var caseId = (string)JsonNode.Parse(await reported.Content.ReadAsStringAsync())!["id"]!;
        foreach (var hour in new[] { 14, 16 }) // 15:00 CET the reminder, 17:00 CET step 1's deadline
        {
            app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, hour, 0, 0, TimeSpan.Zero));
            await host.Services.GetRequiredService<TimerDispatcher>().DispatchDueAsync();
        }
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        using var coordinator = await AsAsync(HostApp.Coordinator); // signed in now: a token lives an hour on the moved clock
        var task = (string)(await coordinator.GetJsonAsync($"/api/tasks?caseId={caseId}")).AsArray()[0]!["id"]!;
        string teacher2;
        await using (var scope = host.Services.CreateAsyncScope())
            teacher2 = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users.Where(u => u.Email == HostApp.Teacher2).Select(u => u.Id).SingleAsync();
        using var assigned = await coordinator.PostAsync($"/api/tasks/{task}/assign", HttpJson.Content(new JsonObject { ["userId"] = teacher2, ["reason"] = "Joost was erbij." }));
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);

        await using var check = host.Services.CreateAsyncScope();
        var emails = await check.ServiceProvider.GetRequiredService<AppDbContext>().Emails.Where(e => e.CaseId == caseId).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
            .Select(e => new { e.To, e.Template }).ToListAsync();
        Assert.Equal([(HostApp.Coordinator, "StaffNewTask"), (HostApp.Coordinator, "StaffReminder"), (HostApp.Leader, "StaffOverdue"), (HostApp.Teacher2, "StaffReassigned")],
            emails.Select(e => (e.To, e.Template)));
        var timeline = (await coordinator.GetJsonAsync($"/api/cases/{caseId}"))["timeline"]!.AsArray().Select(t => (string)t!["text"]!).ToList();
        Assert.Contains("Nieuwe taak per e-mail gemeld aan Diana de Wit.", timeline);
        Assert.Contains("Stap 1 is niet op tijd afgerond; de zaak staat als te laat gemarkeerd. De directie (Marieke Bos) is per e-mail gewaarschuwd.", timeline);
        Assert.Contains(timeline, t => t.EndsWith("Reden: Joost was erbij. Joost Mulder is per e-mail op de hoogte gebracht."));
    }
}
