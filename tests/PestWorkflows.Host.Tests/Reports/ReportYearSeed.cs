using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Tests.Reports;

/// <summary>
/// Cases written straight into the host's database with known times, for the jaarevaluatie's figures. All times
/// are UTC; the comments give the Amsterdam time. The figures each test expects are worked out by hand beside it
/// (<see cref="AnnualReportTests"/>).
/// </summary>
public static class ReportYearSeed
{
    public static DateTimeOffset Utc(int y, int m, int d, int h, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    public sealed record Seeded(string Id, DateTimeOffset ReportedAt, CaseOutcome? Outcome, int? EndedAt, DateTimeOffset? ClosedAt,
        DateTimeOffset? Step1Due, DateTimeOffset? Step1Done, string[] Bullied, bool Esis, string School = "regenboog");

    /// <summary>School year 2025-2026 (ends 31 July 2026 24:00 Amsterdam = 22:00 UTC) and 2024-2025.</summary>
    public static readonly Seeded[] Cases =
    [
        // 2025-2026
        // A: Wed 10 Sep 2025 10:00, step 1 done 12:00 (2 h, deadline 17:00), no bullying at step 2 after 2 days; two bullied pupils of groep 1.
        new("case-a", Utc(2025, 9, 10, 8), CaseOutcome.NotBullying, 2, Utc(2025, 9, 12, 8), Utc(2025, 9, 10, 15), Utc(2025, 9, 10, 10), ["rb-001", "rb-002"], false),
        // B: Fri 24 Oct 2025 16:00 (summer time), deadline Mon 27 Oct 17:00 (winter time since Sun 26 Oct), done Mon 10:00:
        // 67 real hours (66 on the wall clock); stopped after step 5 after 14 days; groep 2; in ESIS.
        new("case-b", Utc(2025, 10, 24, 14), CaseOutcome.StoppedAfterConversation, 5, Utc(2025, 11, 7, 14), Utc(2025, 10, 27, 16), Utc(2025, 10, 27, 9), ["rb-009"], true),
        // C: Fri 27 Mar 2026 16:30 (winter time), deadline Mon 30 Mar 17:00 (summer time since Sun 29 Mar) = 15:00 UTC;
        // done Mon 17:30 = 15:30 UTC: late, 72 h; stopped after step 6 after 31 days; bullied in groep 2 and 3; in ESIS.
        new("case-c", Utc(2026, 3, 27, 15, 30), CaseOutcome.StoppedAfterParents, 6, Utc(2026, 4, 27, 15, 30), Utc(2026, 3, 30, 15), Utc(2026, 3, 30, 15, 30), ["rb-009", "rb-017"], true),
        // D: Mon 20 Jul 2026 10:00, done 14:00 (4 h); crosses 31 July: MDO (step 7) on 3 Sep 2026, 45 days; groep 3 (two pupils); in ESIS.
        new("case-d", Utc(2026, 7, 20, 8), CaseOutcome.Mdo, 7, Utc(2026, 9, 3, 8), Utc(2026, 7, 20, 15), Utc(2026, 7, 20, 12), ["rb-017", "rb-018"], true),
        // E: Mon 11 May 2026, step 1 never done, still open; no bullied pupil named.
        new("case-e", Utc(2026, 5, 11, 8), null, null, null, Utc(2026, 5, 11, 15), null, [], false),
        // F: Fri 31 Jul 2026 23:30 (the year's last half hour), step 1 done Mon 3 Aug 10:00 (58.5 h, deadline 17:00); no bullying on 4 Aug (4 days); groep 4.
        new("case-f", Utc(2026, 7, 31, 21, 30), CaseOutcome.NotBullying, 2, Utc(2026, 8, 4, 21, 30), Utc(2026, 8, 3, 15), Utc(2026, 8, 3, 8), ["rb-025"], false),
        // G: Sat 1 Aug 2026 00:30: the next school year.
        new("case-g", Utc(2026, 7, 31, 22, 30), null, null, null, Utc(2026, 8, 3, 15), null, ["rb-001"], false),
        // Another school's case in the same year: never in De Regenboog's figures.
        new("case-v", Utc(2025, 9, 10, 8), CaseOutcome.StoppedAfterConversation, 5, Utc(2025, 9, 20, 8), Utc(2025, 9, 10, 15), Utc(2025, 9, 10, 9), ["vl-001"], true, "vlinder"),
        // 2024-2025
        // H: Mon 3 Mar 2025 09:00, done 10:00 (1 h), stopped after step 5 after 10 days; groep 1.
        new("case-h", Utc(2025, 3, 3, 8), CaseOutcome.StoppedAfterConversation, 5, Utc(2025, 3, 13, 8), Utc(2025, 3, 3, 16), Utc(2025, 3, 3, 9), ["rb-001"], false),
        // I: Mon 2 Jun 2025 10:00, deadline 17:00, done the next day at 10:00 (24 h, late); never closed; groep 2.
        new("case-i", Utc(2025, 6, 2, 8), null, null, null, Utc(2025, 6, 2, 15), Utc(2025, 6, 3, 8), ["rb-010"], false),
    ];

    public static async Task WriteAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var groupOf = await db.Pupils.ToDictionaryAsync(p => p.Id, p => p.GroupId);
        foreach (var s in Cases)
        {
            var closed = s.ClosedAt is not null;
            var @case = new Case
            {
                Id = s.Id, SchoolId = s.School, ReporterId = "seed", WorkflowInstanceId = "wf-" + s.Id, DefinitionId = "pestprotocol",
                Description = "Seeded signal", ObservedAt = s.ReportedAt.AddHours(-1), Location = "Schoolplein", ReportedAt = s.ReportedAt,
                Status = closed ? CaseStatus.Closed : CaseStatus.Open, CurrentStep = s.EndedAt ?? 1, CurrentStepTitle = "Stap",
                Outcome = s.Outcome, EndedAtStep = s.EndedAt, ClosedAt = s.ClosedAt,
                EsisReference = s.Esis ? "ESIS-" + s.Id : null, EsisRegisteredAt = s.Esis ? s.ReportedAt.AddDays(1) : null,
                Pupils = s.Bullied.Select(p => new CasePupil { PupilId = p, Role = PupilRole.Bullied, GroupId = groupOf[p] })
                    .Append(new CasePupil { PupilId = s.School == "vlinder" ? "vl-020" : "rb-060", Role = PupilRole.Bully, GroupId = groupOf[s.School == "vlinder" ? "vl-020" : "rb-060"] }).ToList(),
            };
            db.Cases.Add(@case);
            db.Tasks.Add(Task(s, "step1", 1, s.Step1Due, s.Step1Done, s.Step1Done is null ? CaseTaskStatus.Open : CaseTaskStatus.Completed));
            // A cancelled step-1 task (the step handed back and made anew) counts neither for nor against the school.
            db.Tasks.Add(Task(s, "step1-cancelled", 1, s.Step1Due, null, CaseTaskStatus.Cancelled));
            // A later step's task, done late, is no step-1 task.
            db.Tasks.Add(Task(s, "step2", 2, s.ReportedAt.AddDays(1), s.ReportedAt.AddDays(3), CaseTaskStatus.Completed));
        }
        await db.SaveChangesAsync();
    }

    private static CaseTask Task(Seeded s, string suffix, int step, DateTimeOffset? due, DateTimeOffset? done, CaseTaskStatus status) => new()
    {
        Id = $"{s.Id}-{suffix}", CaseId = s.Id, SchoolId = s.School, WorkflowInstanceId = "wf-" + s.Id, ActivityId = suffix,
        ActivityType = "Pestprotocol.Step", Step = step, Title = $"Stap {step}", DueAt = due, CreatedAt = s.ReportedAt,
        CompletedAt = done, Status = status,
    };
}
