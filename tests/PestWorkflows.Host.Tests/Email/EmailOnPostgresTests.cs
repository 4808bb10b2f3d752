using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using netDumbster.smtp;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Tests.Infrastructure;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>Two hosts on one PostgreSQL database, both sending from the same outbox: every email reaches the server once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EmailOnPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Two_hosts_dispatching_one_outbox_send_every_email_exactly_once()
    {
        var connectionString = postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync());
        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        var clock = new FakeTimeProvider(HostApp.StartTime);
        void Configure(IServiceCollection services)
        {
            services.Configure<SmtpOptions>(o => { o.Host = "127.0.0.1"; o.Port = smtp.Configuration.Port; o.Security = SmtpSecurity.None; });
            services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
        }
        using var unusedA = new TempDatabase();
        using var unusedB = new TempDatabase();
        await using var appA = new HostApp(unusedA, clock: clock, configureServices: Configure);
        await using var appB = new HostApp(unusedB, clock: clock, configureServices: Configure);
        await using var hostA = appA.WithWebHostBuilder(b => b.UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString));
        await using var hostB = appB.WithWebHostBuilder(b => b.UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString));

        var ids = new List<string>();
        await using (var scope = hostA.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            for (var i = 0; i < 20; i++)
                ids.Add((await hostA.Services.GetRequiredService<EmailOutbox>().EnqueueAsync(db, EmailOutboxTests.Feedback with { To = $"ouder{i}@example.test" }, CancellationToken.None)).MessageId);
        }

        var attempts = await Task.WhenAll(
            Task.Run(() => hostA.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync()),
            Task.Run(() => hostB.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync()));

        Assert.Equal(20, attempts.Sum());
        var received = smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))).MessageId).Order().ToList();
        Assert.Equal(ids.Order(), received);
        await using var check = hostB.Services.CreateAsyncScope();
        Assert.All(await check.ServiceProvider.GetRequiredService<AppDbContext>().Emails.ToListAsync(), e => Assert.Equal((EmailStatus.Sent, 1), (e.Status, e.Attempts)));
    }
}
