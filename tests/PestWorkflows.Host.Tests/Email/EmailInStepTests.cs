using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>An email a step effect handler puts in the outbox exists exactly when the step commits (the later protocol emails rely on this).</summary>
public sealed class EmailInStepTests
{
    private static SchoolApp School(bool failStep) => new(configureServices: services =>
    {
        services.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false);
        services.AddSingleton<IStepEffectHandler, NewTaskEmail>();
        if (failStep) services.AddSingleton<IStepEffectHandler, FailAfterEverything>();
    });

    private static async Task<(List<EmailMessage> Emails, int OutboxRows)> StoredAsync(SchoolApp s)
    {
        await using var scope = s.App.Services.CreateAsyncScope();
        var emails = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Emails.AsNoTracking().ToListAsync();
        await using var engine = await s.App.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync();
        return (emails, await engine.Outbox.CountAsync(o => o.Type == EmailOutboxHandler.TypeName));
    }

    [Fact]
    public async Task An_email_enqueued_inside_a_step_is_committed_with_it_and_sent_after_it()
    {
        await using var s = School(failStep: false);
        var pupils = await s.PupilsAsync(HostApp.Teacher1);

        var created = await s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied")));

        // Beside the host's own staff email about the new task (StaffEmailTests), the test handler's.
        var (emails, rows) = await StoredAsync(s);
        var email = Assert.Single(emails, e => e.Template == "NewTask");
        Assert.Equal((EmailStatus.Queued, emails.Count, "regenboog"), (email.Status, rows, email.SchoolId));
        Assert.Equal(emails.Count, await s.App.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync());
        var files = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(s.App.Database.FilePath)!, "mailbox"), "*.eml");
        Assert.Equal(emails.Count, files.Length);
        Assert.Single(files, f => MimeMessage.Load(f).Subject?.StartsWith("Nieuwe taak: ") == true);
        Assert.NotNull(created["id"]);
    }

    [Fact]
    public async Task An_email_enqueued_inside_a_step_that_fails_is_never_stored_or_sent()
    {
        await using var s = School(failStep: true);
        var pupils = await s.PupilsAsync(HostApp.Teacher1);

        using (var failed = await (await s.As(HostApp.Teacher1)).PostAsync("/api/cases", HttpJson.Content(SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied")))))
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        var (emails, rows) = await StoredAsync(s);
        Assert.Empty(emails);
        Assert.Equal(0, rows);
        Assert.Equal(0, await s.App.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync());
    }

    /// <summary>A staff alert for every new task, as the later staff emails will be written.</summary>
    private sealed class NewTaskEmail(EmailOutbox outbox, AppDbContextOnConnection appDb) : IStepEffectHandler
    {
        public ValueTask PrepareAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct)
        {
            if (effect is HumanTaskCreated created)
                outbox.Enqueue(db, appDb.For(db, run), new OutgoingEmail(HostApp.Coordinator, $"Nieuwe taak: {created.Title}", "Er staat een nieuwe taak voor je klaar.", null,
                    EmailRecipientKind.Staff, "NewTask") { SchoolId = run.State.TenantId }, run.State.InstanceId);
            return ValueTask.CompletedTask;
        }

        public ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
            effect is HumanTaskCreated ? appDb.SaveAsync(db, run, ct) : ValueTask.CompletedTask;
    }

    private sealed class FailAfterEverything : IStepEffectHandler
    {
        public ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
            effect is HumanTaskCreated ? throw new IOException("simulated crash during the step") : ValueTask.CompletedTask;
    }
}
