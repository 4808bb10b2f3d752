using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using netDumbster.smtp;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>Resending a failed parents' email on PostgreSQL: two coordinators at once send one copy, to the corrected address.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CaseEmailsOnPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Two_coordinators_resending_one_failed_email_at_once_send_one_copy_to_the_corrected_address()
    {
        var connectionString = postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync());
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        using var unused = new TempDatabase();
        await using var app = new HostApp(unused, clock: new FakeTimeProvider(HostApp.StartTime), configureServices: services =>
        {
            services.Configure<SmtpOptions>(o => { o.Host = "127.0.0.1"; o.Port = smtp.Configuration.Port; o.Security = SmtpSecurity.None; });
            services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
        });
        await using var host = app.WithWebHostBuilder(b => b.UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString));

        const string pupilId = "rb-001";
        string caseId = Guid.NewGuid().ToString("N"), failedId, coordinatorId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            coordinatorId = await db.Users.Where(u => u.Email == HostApp.Coordinator).Select(u => u.Id).SingleAsync();
            db.Cases.Add(new Case { Id = caseId, SchoolId = "regenboog", ReporterId = coordinatorId, WorkflowInstanceId = caseId, DefinitionId = "pestprotocol", ReportedAt = HostApp.StartTime });
            await db.SaveChangesAsync();
            var guardian = await db.Guardians.AsNoTracking().SingleAsync(g => g.PupilId == pupilId);
            failedId = (await host.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(db, EmailOutboxTests.Feedback with { To = guardian.Email, CaseId = caseId, PupilId = pupilId }, CancellationToken.None)).Id;
            await db.Emails.Where(e => e.Id == failedId).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, EmailStatus.Failed));
        }
        Assert.Equal(1, await host.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync()); // handed over, already failed: not sent
        Assert.Empty(smtp.ReceivedEmail);

        async Task<EmailResendResult> ResendAsync(string address)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var staff = (await StaffAccessor.LoadAsync(db, coordinatorId, null, CancellationToken.None))!;
            return await scope.ServiceProvider.GetRequiredService<CaseEmails>().ResendAsync(staff, caseId, failedId, address, CancellationToken.None);
        }
        using var start = new Barrier(2);
        var results = await Task.WhenAll(
            Task.Run(() => { start.SignalAndWait(); return ResendAsync("eerste@ouders.regenboog.test"); }),
            Task.Run(() => { start.SignalAndWait(); return ResendAsync("tweede@ouders.regenboog.test"); }));
        Assert.Single(results, r => r.Status == EmailResendStatus.Resent);
        Assert.Single(results, r => r.Status == EmailResendStatus.NotResendable);

        Assert.Equal(1, await host.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync());
        var delivered = Assert.Single(smtp.ReceivedEmail).ToAddresses.Single().Address;
        await using var check = host.Services.CreateAsyncScope();
        var checkDb = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(delivered, (await checkDb.Guardians.SingleAsync(g => g.PupilId == pupilId)).Email);
        var emails = await checkDb.Emails.Where(e => e.CaseId == caseId).ToListAsync();
        Assert.Equal([EmailStatus.Resent, EmailStatus.Sent], emails.OrderBy(e => e.Id == failedId ? 0 : 1).Select(e => e.Status));
        Assert.Single(await checkDb.Timeline.Where(t => t.CaseId == caseId && t.Kind == "EmailResent").ToListAsync());
    }
}
