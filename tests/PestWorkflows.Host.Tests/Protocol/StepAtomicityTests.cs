using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Protocol;

/// <summary>
/// What a person hands in is kept exactly when the protocol moves on: a reported signal and its
/// protocol, a completed task and its form, commit together or not at all.
/// </summary>
public sealed class StepAtomicityTests
{
    [Fact]
    public async Task A_reported_signal_commits_with_its_protocol_so_a_failing_first_step_stores_no_case()
    {
        var failFirstStep = new FailingStep();
        await using var s = new SchoolApp(configureServices: services => services.AddSingleton<IStepEffectHandler>(failFirstStep));
        var pupils = await s.PupilsAsync(HostApp.Teacher1);
        var teacher = await s.As(HostApp.Teacher1);

        // The first step fails after the case and its first task were written: a crash at that moment.
        failFirstStep.Armed = true;
        using (var failed = await teacher.PostAsync("/api/cases", HttpJson.Content(SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied")))))
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        failFirstStep.Armed = false;

        Assert.Empty((await (await s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases")).AsArray());
        await using var scope = s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(0, await db.Cases.CountAsync());
        Assert.Equal(0, await db.Tasks.CountAsync());

        // Sent again, the signal is a case with its first step at the coordinator.
        var created = await s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied")));
        Assert.Equal(1, (int)created["currentStep"]!);
        Assert.Single(created["openTasks"]!.AsArray());
    }

    [Fact]
    public async Task A_completion_whose_step_failed_can_be_sent_again_and_counts_once()
    {
        var failing = new FailingStep();
        await using var s = new SchoolApp(configureServices: services => services.AddSingleton<IStepEffectHandler>(failing));
        var pupils = await s.PupilsAsync(HostApp.Teacher1);
        var caseId = (string)(await s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied"))))["id"]!;
        var taskId = (string)(await s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;

        // The step fails after the host wrote the completion and the case's new step (then rolled back).
        failing.Armed = true;
        using (var failed = await s.CompleteRawAsync(HostApp.Coordinator, taskId, new JsonObject { ["notes"] = "eerste poging" }))
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        failing.Armed = false;

        // Sent again, on the same kept step connection: what the failed step had written is not carried over.
        using (var again = await s.CompleteRawAsync(HostApp.Coordinator, taskId, new JsonObject { ["notes"] = "tweede poging" }))
            Assert.True(again.IsSuccessStatusCode, $"{(int)again.StatusCode} {await again.Content.ReadAsStringAsync()}");
        var @case = await s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Equal(2, (int)@case["currentStep"]!);
        Assert.Single(@case["timeline"]!.AsArray(), l => ((string?)l!["text"])?.Contains("afgerond", StringComparison.Ordinal) == true);
        await using var scope = s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Contains("tweede poging", await db.Tasks.Where(t => t.Id == taskId).Select(t => t.ValuesJson).SingleAsync());
    }

    [Fact]
    public async Task A_signal_whose_protocol_cannot_start_is_refused_with_503_and_nothing_is_stored()
    {
        await using var s = new SchoolApp();
        var pupils = await s.PupilsAsync(HostApp.Teacher1);
        // The school's protocol has no published version (an unfinished edit, a broken import).
        await using (var engine = await s.App.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync())
            await engine.Definitions.Where(d => d.DefinitionId == "pestprotocol-regenboog").ExecuteUpdateAsync(x => x.SetProperty(d => d.IsPublished, false));

        using var response = await (await s.As(HostApp.Teacher1)).PostAsync("/api/cases", HttpJson.Content(SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied"))));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("niet opgeslagen", await response.Content.ReadAsStringAsync());
        Assert.Empty((await (await s.As(HostApp.Coordinator)).GetJsonAsync("/api/cases")).AsArray());
    }

    [Fact]
    public async Task Form_values_are_stored_in_the_same_transaction_as_the_completed_step()
    {
        var observer = new ValuesInStep();
        await using var s = new SchoolApp(configureServices: services => services.AddSingleton<IStepEffectHandler>(observer));
        var pupils = await s.PupilsAsync(HostApp.Teacher1);
        var created = await s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied")));
        var task = await s.CompleteAsync(HostApp.Coordinator, (string)created["id"]!, "Pestprotocol.DiscussWithCoordinator",
            new JsonObject { ["notes"] = "Signalen besproken met de melder." });

        // Read inside the step's own transaction, after the host's rows were written: the form is there.
        Assert.True(observer.Seen.TryGetValue((string)task["id"]!, out var values), "the step did not complete the task");
        Assert.Equal("Signalen besproken met de melder.", (string?)JsonNode.Parse(values!)!["notes"]);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.Forbidden, "niet meer voor jou")] // before the step's own check: it sees the new holder
    [InlineData(true, HttpStatusCode.Conflict, "door iemand anders gewijzigd")] // after it: the task's revision refuses the step
    public async Task A_task_handed_to_someone_else_just_before_cannot_be_completed_by_its_previous_holder(bool afterPreparing, HttpStatusCode expected, string message)
    {
        var handOver = new HandOverDuringStep(afterPreparing);
        await using var s = new SchoolApp(configureServices: services => services.Insert(0, ServiceDescriptor.Singleton<IStepEffectHandler>(handOver)));
        var pupils = await s.PupilsAsync(HostApp.Teacher1);
        var caseId = (string)(await s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(((string)pupils[0]["id"]!, "Bullied"))))["id"]!;
        var task = await s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator");
        var taskId = (string)task["id"]!;
        string teacher1Id, teacher2Id;
        await using (var scope = s.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            teacher1Id = await db.Users.Where(u => u.Email == HostApp.Teacher1).Select(u => u.Id).SingleAsync();
            teacher2Id = await db.Users.Where(u => u.Email == HostApp.Teacher2).Select(u => u.Id).SingleAsync();
        }
        await (await s.As(HostApp.Coordinator)).PostJsonAsync($"/api/tasks/{taskId}/assign", new JsonObject { ["userId"] = teacher1Id, ["reason"] = "Zij kent de leerling." });

        // Teacher 1 passed every check; between those checks and her step, the task went to teacher 2.
        handOver.TaskId = taskId;
        handOver.ToUserId = teacher2Id;
        using var refused = await s.CompleteRawAsync(HostApp.Teacher1, taskId, new JsonObject { ["notes"] = "door leerkracht 1" });
        Assert.Equal(expected, refused.StatusCode);
        Assert.Contains(message, await refused.Content.ReadAsStringAsync());

        var @case = await s.CaseAsync(HostApp.Coordinator, caseId);
        Assert.Equal(1, (int)@case["currentStep"]!);
        Assert.Contains(@case["openTasks"]!.AsArray(), t => (string?)t!["id"] == taskId);
        await using (var scope = s.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Null(await db.Tasks.Where(t => t.Id == taskId).Select(t => t.ValuesJson).SingleAsync());
        }
    }

    /// <summary>Fails the step at its very end, after every handler wrote its rows.</summary>
    private sealed class FailingStep : IStepEffectHandler
    {
        public volatile bool Armed;

        public ValueTask ApplyAsync(WorkflowDbContext db, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
            Armed && effect is HumanTaskCreated ? throw new IOException("simulated crash during the step") : ValueTask.CompletedTask;
    }

    /// <summary>Reads a completed task's stored form inside the step's transaction (runs after the host's handler).</summary>
    private sealed class ValuesInStep : IStepEffectHandler
    {
        public readonly Dictionary<string, string?> Seen = new();

        public async ValueTask ApplyAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct)
        {
            if (effect is not HumanTaskCompleted completed) return;
            var onConnection = new AppDbContextOnConnection(PestWorkflows.Engine.DatabaseProvider.Sqlite);
            var db = onConnection.For(step, run);
            Seen[completed.TaskId] = await db.Tasks.Where(t => t.Id == completed.TaskId).Select(t => t.ValuesJson).SingleAsync(ct);
        }
    }

    /// <summary>
    /// Stands in for a hand-over that commits while the completion is on its way: runs first, either as
    /// the step is prepared (between the request's checks and the step's own) or in the step's
    /// transaction (after the step's checks, before its rows are written), and gives the task to someone else.
    /// </summary>
    private sealed class HandOverDuringStep(bool afterPreparing) : IStepEffectHandler
    {
        public volatile string? TaskId;
        public volatile string? ToUserId;

        public ValueTask PrepareAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
            afterPreparing ? ValueTask.CompletedTask : HandOverAsync(step, run, effect, ct);

        public ValueTask ApplyAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct) =>
            afterPreparing ? HandOverAsync(step, run, effect, ct) : ValueTask.CompletedTask;

        private async ValueTask HandOverAsync(WorkflowDbContext step, WorkflowExecutionContext run, object effect, CancellationToken ct)
        {
            if (effect is not HumanTaskCompleted completed || completed.TaskId != TaskId) return;
            // A context of its own on the step's connection: committed at once while the step is prepared
            // (as a colleague's hand-over would be), inside the step's transaction once it runs.
            var db = new AppDbContextOnConnection(PestWorkflows.Engine.DatabaseProvider.Sqlite).For(step, run);
            await db.Tasks.Where(t => t.Id == completed.TaskId)
                .ExecuteUpdateAsync(x => x.SetProperty(t => t.AssigneeUserId, ToUserId).SetProperty(t => t.Revision, t => t.Revision + 1), ct);
        }
    }
}
