using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host;
using PestWorkflows.Host.Reports;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Bench;

/// <summary>
/// (g) The jaarevaluatie (<see cref="ReportService.AnnualAsync"/>: a school year and the one before) over a SQLite file
/// with 10,000 and 100,000 cases, 40 % of them at the measured school, reported over the last 1,000 days. The host's
/// services are built in process from the host assembly on a fresh file the host migrates (Development, demo schools,
/// no demo history); cases, pupils and tasks are written with raw SQL. Per size: the report's p50/p95 and the bytes the
/// process allocated per report (memory must stay flat as cases grow: the figures come from the database).
/// </summary>
public sealed class AnnualReportBenchmark : IBenchmarkPart
{
    public string Name => BenchmarkNames.Annual;

    private const string School = "regenboog";

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var repoRoot = Program.FindRepoRoot() ?? throw new InvalidOperationException("the repository (PestWorkflows.sln) was not found");
        var folder = Path.Combine(options.WorkDirectory, "annual-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var dbFile = Path.Combine(folder, "host.db");
        int[] sizes = options.Quick ? [1_000, 5_000] : [10_000, 100_000];
        var (warmUp, measured) = options.Quick ? (2, 5) : (3, 20);
        var extra = new Dictionary<string, string>();
        long operations = 0;
        var elapsed = TimeSpan.Zero;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = folder });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Workflows"] = $"Data Source={dbFile}",
                ["Workflows:DefinitionsPath"] = Path.Combine(repoRoot, "workflows"),
                ["Workflows:DispatchOutbox"] = "false",
                ["Workflows:DispatchTimers"] = "false",
                ["Demo:Enabled"] = "true",
                ["Demo:Password"] = "Bench-wachtwoord-1!",
                ["Demo:PastCases"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = Environment.GetEnvironmentVariable("BENCH_SQL") is null ? "Warning" : "Information",
            });
            builder.AddApplicationServices();
            await using var app = builder.Build();
            await app.InitializeWorkflowsAsync(ct);
            var year = SchoolYear.Of(DateTimeOffset.UtcNow).Previous;
            extra["schoolYear"] = year.ToString();
            var seeded = 0;
            double? allocatedAtFirst = null;
            foreach (var size in sizes)
            {
                await SeedAsync(dbFile, seeded, size, ct);
                seeded = size;
                for (var i = 0; i < warmUp; i++) await ReportAsync(app.Services, year, ct);
                var times = new List<double>();
                GC.Collect();
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < measured; i++)
                {
                    var one = Stopwatch.StartNew();
                    var report = await ReportAsync(app.Services, year, ct);
                    times.Add(one.Elapsed.TotalMilliseconds);
                    if (report.Current.Signals == 0) throw new InvalidOperationException("the measured year has no cases");
                    if (i == 0) extra[$"signals{size}"] = report.Current.Signals.ToString(CultureInfo.InvariantCulture);
                }
                elapsed += clock.Elapsed;
                operations += measured;
                var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)measured;
                allocatedAtFirst ??= allocated;
                times.Sort();
                double P(double p) => times[(int)Math.Ceiling(p * times.Count) - 1];
                var p95 = P(0.95);
                extra[$"p50Ms{size}"] = P(0.5).ToString("0.0", CultureInfo.InvariantCulture);
                extra[$"p95Ms{size}"] = p95.ToString("0.0", CultureInfo.InvariantCulture);
                extra[$"allocatedKBPerReport{size}"] = (allocated / 1024).ToString("0", CultureInfo.InvariantCulture);
                extra[$"workingSetMB{size}"] = (Process.GetCurrentProcess().WorkingSet64 / 1048576.0).ToString("0", CultureInfo.InvariantCulture);
                extra[$"target{size}"] = p95 < 500 ? "MET (p95 < 500 ms)" : "MISSED (p95 >= 500 ms)";
            }
            var last = double.Parse(extra[$"allocatedKBPerReport{sizes[^1]}"], CultureInfo.InvariantCulture) * 1024;
            extra["memoryFlat"] = last <= 1.25 * allocatedAtFirst!.Value ? "MET (allocated per report at the larger size ≤ 1.25 × the smaller)" : "MISSED";
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* the host's files may linger a moment */ }
        }
        return new BenchmarkResult(Name, operations, elapsed, extra);
    }

    private static async Task<AnnualReport> ReportAsync(IServiceProvider services, SchoolYear year, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ReportService>().AnnualAsync(School, year, ct))!;
    }

    /// <summary>Cases <paramref name="from"/> up to <paramref name="to"/>: 40 % at the measured school, the rest at the other demo school
    /// and 18 more; each with a bullied pupil and a bully, a step-1 task (about one in six late) and a closing step for the closed ones.</summary>
    private static async Task SeedAsync(string dbFile, int from, int to, CancellationToken ct)
    {
        await using var db = new SqliteConnection($"Data Source={dbFile}");
        await db.OpenAsync(ct);
        await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct);
        if (from == 0)
        {
            using var school = new SqliteCommand("INSERT INTO schools (Id, Name, SchoolDayEnd, TimeZoneId) SELECT $id, $name, SchoolDayEnd, TimeZoneId FROM schools WHERE Id = 'regenboog'", db, tx);
            for (var n = 1; n <= 18; n++) Run(school, ("$id", $"bench-{n:D2}"), ("$name", $"Bankschool {n}"));
        }
        using var @case = new SqliteCommand("""
            INSERT INTO cases (Id, SchoolId, ReporterId, WorkflowInstanceId, DefinitionId, Description, ObservedAt, Location, BoundaryCrossed,
                ReportedAt, Status, CurrentStep, CurrentStepTitle, IsOverdue, Outcome, EndedAtStep, ClosedAt, EsisReference, EsisRegisteredAt)
            VALUES ($id, $s, 'bench', $id, 'pestprotocol', 'Bench', $at, 'Schoolplein', 1, $at, $status, $step, 'Stap', 0, $outcome, $ended, $closed, $esis, $esisAt)
            """, db, tx);
        using var pupil = new SqliteCommand("INSERT INTO case_pupils (CaseId, PupilId, Role, GroupId) VALUES ($c, $p, $r, (SELECT GroupId FROM pupils WHERE Id = $p))", db, tx);
        using var task = new SqliteCommand("""
            INSERT INTO tasks (Id, CaseId, SchoolId, WorkflowInstanceId, ActivityId, ActivityType, Step, Title, Priority, FieldsJson, OutcomesJson, Status, CreatedAt, DueAt, CompletedAt, Revision)
            VALUES ($id, $c, $s, $c, 'stap', 'Bench', $step, 'Stap', 0, '[]', '[]', $status, $created, $due, $done, 1)
            """, db, tx);
        var random = new Random(from + 1);
        var now = DateTimeOffset.UtcNow;
        string[] outcomes = ["NotBullying", "StoppedAfterConversation", "StoppedAfterParents", "Mdo"];
        int[] steps = [2, 5, 6, 7];
        for (var n = from; n < to; n++)
        {
            ct.ThrowIfCancellationRequested();
            var school = n % 5 < 2 ? School : n % 5 == 2 ? "vlinder" : $"bench-{n % 18 + 1:D2}";
            var id = $"bench-case-{n:D7}";
            var reported = now.AddMinutes(-random.Next(60, 1_000 * 24 * 60));
            var closed = random.NextDouble() < 0.9 ? reported.AddDays(random.Next(1, 60)) : (DateTimeOffset?)null;
            if (closed > now) closed = null;
            var kind = random.Next(4);
            Run(@case, ("$id", id), ("$s", school), ("$at", reported.UtcTicks), ("$status", closed is null ? "Open" : "Closed"),
                ("$step", closed is null ? 3 : steps[kind]), ("$outcome", closed is null ? null : outcomes[kind]), ("$ended", closed is null ? null : steps[kind]),
                ("$closed", closed?.UtcTicks), ("$esis", kind > 0 ? "ESIS-" + n : null), ("$esisAt", kind > 0 ? reported.AddDays(2).UtcTicks : null));
            var bulliedPupil = school == School ? $"rb-{random.Next(1, 65):D3}" : school == "vlinder" ? $"vl-{random.Next(1, 25):D3}" : "none";
            Run(pupil, ("$c", id), ("$p", bulliedPupil), ("$r", "Bullied"));
            Run(pupil, ("$c", id), ("$p", "rb-064"), ("$r", "Bully"));
            var due = reported.AddHours(6);
            var done = reported.AddMinutes(random.NextDouble() < 0.17 ? random.Next(400, 3000) : random.Next(20, 350));
            Run(task, ("$id", id + "-1"), ("$c", id), ("$s", school), ("$step", 1), ("$status", "Completed"), ("$created", reported.UtcTicks), ("$due", due.UtcTicks), ("$done", done.UtcTicks));
            if (closed is not null)
                Run(task, ("$id", id + "-2"), ("$c", id), ("$s", school), ("$step", steps[kind]), ("$status", "Completed"), ("$created", done.UtcTicks), ("$due", closed.Value.UtcTicks), ("$done", closed.Value.UtcTicks));
        }
        await tx.CommitAsync(ct);
    }

    private static void Run(SqliteCommand cmd, params (string Name, object? Value)[] values)
    {
        cmd.Parameters.Clear();
        foreach (var (name, value) in values) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }
}
