using PestWorkflows.Activities.Protocol;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Activities.Scheduling;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Schools;

/// <summary>
/// Closed demo cases of the previous school year and of the current one so far, so the jaarevaluatie shows
/// something on a first <c>dotnet run</c>. Written as rows (case, pupils with roles, the step tasks with their
/// deadlines and completion, timeline lines), not by running the protocol: a few hundred inserts, no workflow steps.
/// Every case is closed (so no task waits in anyone's inbox, and no case waits on an instance that does not
/// exist), except that some of last year's close after 31 July, so "open at the end of the year" is not empty.
/// The same seed gives the same cases.
/// </summary>
public sealed class DemoCaseHistory(AppDbContext db, TimeProvider clock)
{
    public async Task SeedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var current = SchoolYear.Of(now);
        var random = new Random(2026);
        foreach (var (schoolId, casesPerYear) in new[] { ("regenboog", 42), ("vlinder", 14) })
        {
            var groupOf = await db.Pupils.Where(p => p.SchoolId == schoolId).OrderBy(p => p.Id).ToDictionaryAsync(p => p.Id, p => p.GroupId, ct);
            var pupils = groupOf.Keys.ToList();
            var staff = await db.Users.Where(u => u.SchoolId == schoolId).OrderBy(u => u.Email).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
            if (pupils.Count < 2 || staff.Count == 0) continue;
            foreach (var year in new[] { current.Previous, current })
            {
                // The current year only up to two weeks ago: a case is written only when it has closed by now.
                var until = year == current ? now.AddDays(-14) : year.EndUtc;
                for (var n = 0; n < casesPerYear; n++)
                {
                    var reported = WeekdayMoment(random, year.StartUtc.AddDays(3), year.EndUtc.AddDays(-20));
                    if (reported >= until) continue;
                    var reporter = staff[random.Next(staff.Count)];
                    var seeded = Case(random, schoolId, reported, pupils, groupOf, reporter.Id, reporter.DisplayName);
                    if (seeded.ClosedAt > now) continue;
                    db.Cases.Add(seeded);
                }
            }
        }
        await db.SaveChangesAsync(ct);
    }

    private Case Case(Random random, string schoolId, DateTimeOffset reported, List<string> pupils, Dictionary<string, string> groupOf, string reporterId, string reporterName)
    {
        var id = Guid.NewGuid().ToString("N");
        var roll = random.NextDouble();
        var (outcome, step, days) = roll switch
        {
            < 0.30 => (CaseOutcome.NotBullying, 2, random.Next(1, 6)),
            < 0.65 => (CaseOutcome.StoppedAfterConversation, 5, random.Next(10, 31)),
            < 0.85 => (CaseOutcome.StoppedAfterParents, 6, random.Next(20, 51)),
            _ => (CaseOutcome.Mdo, 7, random.Next(40, 91)),
        };
        // Step 1 is due at 17:00 the same day (reported between 8:00 and 16:00); about one in six is late.
        var due = AmsterdamAt(reported, 17);
        var step1Done = random.NextDouble() < 0.17 ? due.AddHours(random.Next(15, 40)) : reported.AddMinutes(random.Next(30, (int)(due - reported).TotalMinutes));
        var closed = step1Done.AddDays(days).AddHours(random.Next(0, 5));
        var bullied = pupils[random.Next(pupils.Count)];
        var bully = pupils.Where(p => p != bullied).ElementAt(random.Next(pupils.Count - 1));
        var esis = outcome != CaseOutcome.NotBullying && random.NextDouble() < 0.8;
        var workflowId = "demo-" + Guid.NewGuid().ToString("N")[..11];
        var @case = new Case
        {
            Id = id, SchoolId = schoolId, ReporterId = reporterId, WorkflowInstanceId = workflowId, DefinitionId = SchoolProtocols.CopyIdOf(schoolId),
            Description = "Voorbeeldzaak: een leerling werd in de pauze uitgescholden en buitengesloten.", ObservedAt = reported.AddHours(-2),
            Location = "Schoolplein", BoundaryCrossed = true, ReportedAt = reported, Status = CaseStatus.Closed, CurrentStep = step,
            CurrentStepTitle = "Afgesloten", Outcome = outcome, EndedAtStep = step, ClosedAt = closed,
            EsisReference = esis ? $"ESIS-{random.Next(100000, 999999)}" : null, EsisRegisteredAt = esis ? step1Done.AddDays(2) : null,
            Pupils = [new CasePupil { PupilId = bullied, Role = PupilRole.Bullied, GroupId = groupOf[bullied] }, new CasePupil { PupilId = bully, Role = PupilRole.Bully, GroupId = groupOf[bully] }],
            Timeline =
            [
                new TimelineEntry { At = reported, Kind = "Reported", Text = $"Signaal gemeld door {reporterName}.", ActorUserId = reporterId },
                new TimelineEntry { At = step1Done, Kind = "TaskCompleted", Text = "Stap 1: signaal besproken met de melder. Afgerond." },
                new TimelineEntry { At = closed, Kind = "Closed", Text = $"Zaak afgesloten: {CloseCase.Label(outcome.ToString())}." },
            ],
        };
        db.Tasks.Add(Task(@case, 1, "Stap 1: signaal bespreken met de melder", due, step1Done));
        db.Tasks.Add(Task(@case, step, $"Stap {step}", step1Done.AddDays(days), closed));
        return @case;
    }

    private static CaseTask Task(Case @case, int step, string title, DateTimeOffset due, DateTimeOffset done) => new()
    {
        Id = $"{@case.Id}-stap{step}", CaseId = @case.Id, SchoolId = @case.SchoolId, WorkflowInstanceId = @case.WorkflowInstanceId,
        ActivityId = $"stap{step}", ActivityType = "Pestprotocol.Demo", Step = step, Title = title, CandidateRole = Activities.Tasks.StaffRoles.Coordinator,
        DueAt = due, CreatedAt = @case.ReportedAt, CompletedAt = done, Status = CaseTaskStatus.Completed, Outcome = "Afgerond",
    };

    /// <summary>A school day (Monday to Friday) between 8:00 and 16:00 Amsterdam time.</summary>
    private static DateTimeOffset WeekdayMoment(Random random, DateTimeOffset from, DateTimeOffset to)
    {
        while (true)
        {
            var day = from.AddDays(random.Next((int)(to - from).TotalDays));
            var local = TimeZoneInfo.ConvertTime(day, SchoolCalendar.AmsterdamTime);
            if (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            return AmsterdamAt(day, 8).AddMinutes(random.Next(0, 8 * 60));
        }
    }

    private static DateTimeOffset AmsterdamAt(DateTimeOffset day, int hour)
    {
        var date = TimeZoneInfo.ConvertTime(day, SchoolCalendar.AmsterdamTime).Date.AddHours(hour);
        return new DateTimeOffset(date, SchoolCalendar.AmsterdamTime.GetUtcOffset(date)).ToUniversalTime();
    }
}
