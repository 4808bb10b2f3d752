using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PestWorkflows.Engine;

namespace PestWorkflows.Bench;

/// <summary>One measured part of the benchmark run.</summary>
public interface IBenchmarkPart
{
    /// <summary>Short name, also the value accepted by <c>--only</c>; see <see cref="BenchmarkNames"/>.</summary>
    string Name { get; }

    Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct);
}

/// <param name="Name">The part's <see cref="IBenchmarkPart.Name"/>.</param>
/// <param name="Operations">Operations completed inside the measured interval (what counts as one operation is the part's own definition).</param>
/// <param name="Elapsed">Wall-clock length of the measured interval (warm-up excluded).</param>
/// <param name="Extra">Settings and secondary figures, printed and written to JSON as-is; see <see cref="BenchmarkExtraKeys"/>.</param>
public sealed record BenchmarkResult(string Name, long Operations, TimeSpan Elapsed, IReadOnlyDictionary<string, string> Extra)
{
    public double OperationsPerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;
}

/// <param name="Quick">Short smoke run (tests/CI); the figures are only indicative.</param>
/// <param name="WorkDirectory">Parent folder for the parts' temporary databases. All parts put their files
/// here so that they are measured on the same file system.</param>
public sealed record BenchmarkOptions(bool Quick, string WorkDirectory);

/// <summary>Part names; also the values of <c>--only</c>.</summary>
public static class BenchmarkNames
{
    /// <summary>(a) our engine on SQLite (synchronous=FULL, its default): task completions per second, plus (d) bytes stored per suspended instance.</summary>
    public const string Engine = "engine";

    /// <summary>(a') the engine with synchronous=NORMAL (Workflows:SqliteSynchronous=Normal).</summary>
    public const string EngineNormal = "engine-normal";

    /// <summary>(b) plain single-row SQLite transactions per second, synchronous=FULL.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>(b') the same with synchronous=NORMAL.</summary>
    public const string SqliteNormal = "sqlite-normal";

    /// <summary>(c) WorkflowCore 3.22.0, in-memory persistence: resumes per second.</summary>
    public const string WorkflowCore = "workflowcore";

    /// <summary>(e) server time of the staff pages (inbox, case list, dossier) through the built host on a SQLite file with 100,000 cases.</summary>
    public const string Pages = "pages";

    /// <summary>(f) emails per second from the outbox to a loopback SMTP server, against a bare MailKit loop.</summary>
    public const string Email = "email";
    /// <summary>(g) the jaarevaluatie's queries over 10,000 and 100,000 cases in SQLite.</summary>
    public const string Annual = "annual";

    /// <summary>(h) the user's path (report, list, complete step 1) through the built host over HTTP at 1 and 32 clients.</summary>
    public const string Http = "http";

    public static readonly IReadOnlyList<string> All = [Engine, EngineNormal, Sqlite, SqliteNormal, WorkflowCore, Pages, Email, Annual, Http];
}

/// <summary>Keys of <see cref="BenchmarkResult.Extra"/> that Program.cs reads itself.</summary>
public static class BenchmarkExtraKeys
{
    /// <summary>(d) Engine part: bytes stored in the database per suspended workflow instance (invariant-culture number).</summary>
    public const string BytesPerSuspendedInstance = "bytesPerSuspendedInstance";

    /// <summary>WorkflowCore part: managed-heap growth per suspended instance (reference only, not a stored size).</summary>
    public const string HeapBytesPerSuspendedInstance = "heapBytesPerSuspendedInstance";

    /// <summary>(f) Email part: outbox msgs/s over the bare MailKit loop's (one connection), invariant-culture number.</summary>
    public const string EmailRatioOverBareLoop = "emailRatioOverBareLoop";
}

/// <summary>The targets the engine must meet (see bench/README.md).</summary>
public static class BenchmarkTargets
{
    /// <summary>(a) / (b) must be at least this.</summary>
    public const double EngineOverSqliteMin = 0.5;

    /// <summary>(a) / (c) must be at least this.</summary>
    public const double EngineOverWorkflowCoreMin = 1.0;

    /// <summary>(d) must be under this ("5 KB", read strictly as 5,000 bytes).</summary>
    public const double MaxBytesPerSuspendedInstance = 5000;
}

public static class Program
{
    /// <summary>
    /// Every part of the run, in the order it runs. The engine part is (a) and (d):
    /// when bench/PestWorkflows.Bench/EngineBenchmark.cs exists (a class <c>EngineBenchmark : IBenchmarkPart</c>
    /// whose Name is <see cref="BenchmarkNames.Engine"/>), uncomment the one line below; nothing else has to change.
    /// </summary>
    public static List<IBenchmarkPart> CreateParts() =>
    [
        new SqliteTransactionBaseline(SqliteSynchronous.Full),
        new SqliteTransactionBaseline(SqliteSynchronous.Normal),
        new WorkflowCoreBaseline(),
        new EngineBenchmark(SqliteSynchronous.Full),
        new EngineBenchmark(SqliteSynchronous.Normal),
        new PagesBenchmark(),
        new EmailBenchmark(),
        new AnnualReportBenchmark(),
        new HttpBenchmark(),
    ];

    public static async Task<int> Main(string[] args)
    {
        CommandLine cmd;
        try
        {
            cmd = CommandLine.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(CommandLine.Usage);
            return 2;
        }

        if (cmd.Help)
        {
            Console.WriteLine(CommandLine.Usage);
            return 0;
        }

        var repoRoot = FindRepoRoot();
        var workDirectory = Path.GetFullPath(cmd.WorkDirectory
            ?? Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), "bench", ".work"));
        var outPath = Path.GetFullPath(cmd.OutPath
            ?? Path.Combine(repoRoot ?? Directory.GetCurrentDirectory(), "bench", "results.json"));
        Directory.CreateDirectory(workDirectory);

        var options = new BenchmarkOptions(cmd.Quick, workDirectory);
        var registered = CreateParts();
        var selected = registered.Where(p => cmd.Only is null || p.Name == cmd.Only).ToList();
        IReadOnlyList<string> wanted = cmd.Only is null ? BenchmarkNames.All : new[] { cmd.Only };
        var notMeasured = wanted.Where(n => registered.All(p => p.Name != n)).ToList();

        Console.WriteLine($"PestWorkflows benchmark — {(cmd.Quick ? "quick (smoke) run, figures are only indicative" : "full run")}");
        Console.WriteLine($"  started    {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC");
        Console.WriteLine($"  machine    {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"  work dir   {workDirectory} (file system: {FileSystemInfoHelper.Describe(workDirectory)})");
        Console.WriteLine();

        var total = Stopwatch.StartNew();
        var results = new List<BenchmarkResult>();
        var failures = new List<(string Name, string Error)>();
        foreach (var part in selected)
        {
            Console.WriteLine($"[{part.Name}] running...");
            using var timeout = new CancellationTokenSource(cmd.Quick ? TimeSpan.FromMinutes(2) : TimeSpan.FromMinutes(15));
            try
            {
                var result = await part.RunAsync(options, timeout.Token);
                results.Add(result);
                Console.WriteLine($"[{part.Name}] {result.Operations:N0} ops in {result.Elapsed.TotalSeconds:F3} s");
            }
            catch (Exception ex)
            {
                var error = timeout.IsCancellationRequested ? $"timed out ({ex.GetType().Name}: {ex.Message})" : $"{ex.GetType().Name}: {ex.Message}";
                failures.Add((part.Name, error));
                Console.WriteLine($"[{part.Name}] FAILED: {error}");
            }
        }
        total.Stop();

        var report = Report.Build(results, failures, notMeasured);
        Console.WriteLine();
        Report.Print(report, Console.Out);
        Console.WriteLine();
        Console.WriteLine($"Total run time {total.Elapsed.TotalSeconds:F1} s.");

        var json = Report.ToJson(report, cmd.Quick, workDirectory, total.Elapsed);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        await File.WriteAllTextAsync(outPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine);
        Console.WriteLine($"Results written to {outPath}");

        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The folder holding PestWorkflows.sln, searched upwards from the current directory and then from the binary.</summary>
    internal static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PestWorkflows.sln")))
                    return dir.FullName;
            }
        }
        return null;
    }
}

internal sealed record CommandLine(bool Quick, string? Only, string? OutPath, string? WorkDirectory, bool Help)
{
    public const string Usage =
        """
        usage: dotnet run -c Release --project bench/PestWorkflows.Bench -- [options]
          --quick              short smoke run (tests/CI); default is the full run
          --only <part>        run one part: sqlite | sqlite-normal | workflowcore | engine | engine-normal | pages | email | annual | http
          --out <file>         JSON results file (default: <repo>/bench/results.json)
          --work-dir <dir>     folder for temporary databases (default: <repo>/bench/.work)
          -h, --help           this text
        """;

    public static CommandLine Parse(string[] args)
    {
        bool quick = false, help = false;
        string? only = null, outPath = null, workDir = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? inlineValue = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inlineValue = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inlineValue is not null) return inlineValue;
                if (i + 1 >= args.Length) throw new ArgumentException($"{arg} needs a value");
                return args[++i];
            }

            switch (arg)
            {
                case "--quick": quick = true; break;
                case "--full": quick = false; break;
                case "--only":
                    only = Value().Trim().ToLowerInvariant();
                    if (!BenchmarkNames.All.Contains(only))
                        throw new ArgumentException($"--only must be one of {string.Join(" | ", BenchmarkNames.All)}, not '{only}'");
                    break;
                case "--out": outPath = Value(); break;
                case "--work-dir": workDir = Value(); break;
                case "-h" or "--help" or "-?": help = true; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        return new CommandLine(quick, only, outPath, workDir, help);
    }
}

internal sealed record Report(
    IReadOnlyList<BenchmarkResult> Results,
    IReadOnlyList<(string Name, string Error)> Failures,
    IReadOnlyList<string> NotMeasured,
    BenchmarkResult? Engine,
    BenchmarkResult? Sqlite,
    BenchmarkResult? WorkflowCore,
    double? EngineOverSqlite,
    double? EngineNormalOverSqliteNormal,
    double? EngineOverWorkflowCore,
    double? EngineNormalOverWorkflowCore,
    double? EngineBytesPerSuspendedInstance,
    double? WorkflowCoreHeapBytesPerSuspendedInstance)
{
    public static Report Build(List<BenchmarkResult> results, List<(string, string)> failures, List<string> notMeasured)
    {
        BenchmarkResult? Find(string name) => results.FirstOrDefault(r => r.Name == name);
        var engine = Find(BenchmarkNames.Engine);
        var sqlite = Find(BenchmarkNames.Sqlite);
        var wfc = Find(BenchmarkNames.WorkflowCore);

        double? Ratio(BenchmarkResult? a, BenchmarkResult? b) =>
            a is null || b is null || b.OperationsPerSecond <= 0 ? null : a.OperationsPerSecond / b.OperationsPerSecond;

        static double? Number(BenchmarkResult? r, string key) =>
            r is not null && r.Extra.TryGetValue(key, out var s)
            && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

        return new Report(results, failures, notMeasured, engine, sqlite, wfc,
            Ratio(engine, sqlite), Ratio(Find(BenchmarkNames.EngineNormal), Find(BenchmarkNames.SqliteNormal)), Ratio(engine, wfc), Ratio(Find(BenchmarkNames.EngineNormal), wfc),
            Number(engine, BenchmarkExtraKeys.BytesPerSuspendedInstance),
            Number(wfc, BenchmarkExtraKeys.HeapBytesPerSuspendedInstance));
    }

    private static readonly List<string> TableOrder = [BenchmarkNames.Engine, BenchmarkNames.EngineNormal, BenchmarkNames.Sqlite, BenchmarkNames.SqliteNormal, BenchmarkNames.WorkflowCore, BenchmarkNames.Pages, BenchmarkNames.Email, BenchmarkNames.Annual];

    private static string Label(string name) => name switch
    {
        BenchmarkNames.Engine => "(a) engine FULL",
        BenchmarkNames.EngineNormal => "(a') engine NORMAL",
        BenchmarkNames.Sqlite => "(b) sqlite FULL",
        BenchmarkNames.SqliteNormal => "(b') sqlite NORMAL",
        BenchmarkNames.WorkflowCore => "(c) workflowcore",
        BenchmarkNames.Pages => "(e) pages",
        BenchmarkNames.Email => "(f) email outbox",
        BenchmarkNames.Annual => "(g) jaarevaluatie",
        BenchmarkNames.Http => "(h) http",
        _ => name,
    };

    private static string Unit(string name) => name switch
    {
        BenchmarkNames.Engine or BenchmarkNames.EngineNormal => "task completions",
        BenchmarkNames.Sqlite or BenchmarkNames.SqliteNormal => "single-row INSERT transactions",
        BenchmarkNames.WorkflowCore => "event resumes",
        BenchmarkNames.Pages => "page requests, one at a time",
        BenchmarkNames.Email => "emails sent through the outbox",
        BenchmarkNames.Annual => "jaarevaluaties (a year and the one before), one at a time",
        _ => "operations",
    };

    public static void Print(Report r, TextWriter w)
    {
        w.WriteLine($"{"part",-18} {"operations",12} {"seconds",9} {"ops/s",12}  (operation)");
        w.WriteLine(new string('-', 18) + " " + new string('-', 12) + " " + new string('-', 9) + " " + new string('-', 12) + "  " + new string('-', 30));
        foreach (var name in TableOrder)
        {
            var result = r.Results.FirstOrDefault(x => x.Name == name);
            if (result is not null)
                w.WriteLine($"{Label(name),-18} {result.Operations,12:N0} {result.Elapsed.TotalSeconds,9:F3} {result.OperationsPerSecond,12:N1}  ({Unit(name)})");
            else if (r.Failures.Any(f => f.Name == name))
                w.WriteLine($"{Label(name),-18} FAILED: {r.Failures.First(f => f.Name == name).Error}");
            else if (name == BenchmarkNames.Engine && r.NotMeasured.Contains(name))
                w.WriteLine("engine: not measured yet");
        }

        foreach (var result in r.Results.OrderBy(x => TableOrder.IndexOf(x.Name)))
        {
            w.WriteLine();
            w.WriteLine($"{Label(result.Name)} details:");
            foreach (var (key, value) in result.Extra)
                w.WriteLine($"  {key,-34} {value}");
        }

        w.WriteLine();
        w.WriteLine("(d) memory per suspended instance:");
        w.WriteLine(r.EngineBytesPerSuspendedInstance is { } d
            ? $"  engine (bytes stored per suspended instance)           {d:N0} B  target < {BenchmarkTargets.MaxBytesPerSuspendedInstance:N0} B: {(d < BenchmarkTargets.MaxBytesPerSuspendedInstance ? "MET" : "MISSED")}"
            : "  engine: not measured yet");
        if (r.WorkflowCoreHeapBytesPerSuspendedInstance is { } h)
            w.WriteLine($"  workflowcore (managed heap per suspended instance, in-memory persistence; reference only)  {h:N0} B");

        w.WriteLine();
        w.WriteLine("Ratios:");
        WriteRatio(w, "(a)/(b) engine / sqlite, FULL ", r.EngineOverSqlite, BenchmarkTargets.EngineOverSqliteMin, r.Engine, r.Sqlite);
        WriteRatio(w, "(a')/(b') the same, NORMAL    ", r.EngineNormalOverSqliteNormal, BenchmarkTargets.EngineOverSqliteMin,
            r.Results.FirstOrDefault(x => x.Name == BenchmarkNames.EngineNormal), r.Results.FirstOrDefault(x => x.Name == BenchmarkNames.SqliteNormal));
        WriteRatio(w, "(a)/(c) engine FULL / wfcore  ", r.EngineOverWorkflowCore, BenchmarkTargets.EngineOverWorkflowCoreMin, r.Engine, r.WorkflowCore);
        WriteRatio(w, "(a')/(c) engine NORMAL / wfcore", r.EngineNormalOverWorkflowCore, BenchmarkTargets.EngineOverWorkflowCoreMin,
            r.Results.FirstOrDefault(x => x.Name == BenchmarkNames.EngineNormal), r.WorkflowCore);
        if (r.Results.FirstOrDefault(x => x.Name == BenchmarkNames.Email) is { } email
            && email.Extra.TryGetValue(BenchmarkExtraKeys.EmailRatioOverBareLoop, out var text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var emailRatio))
            w.WriteLine($"  (f) email outbox / bare MailKit  {emailRatio,8:F3}  target >= {EmailBenchmark.MinRatioOverBareLoop:F2}: {(emailRatio >= EmailBenchmark.MinRatioOverBareLoop ? "MET" : "MISSED")}");
    }

    private static void WriteRatio(TextWriter w, string label, double? ratio, double target, BenchmarkResult? a, BenchmarkResult? b)
    {
        if (ratio is { } x)
        {
            w.WriteLine($"  {label}  {x,8:F3}  target >= {target:F2}: {(x >= target ? "MET" : "MISSED")}");
            return;
        }
        var why = a is null ? "engine: not measured yet" : b is null ? "baseline not measured in this run" : "baseline measured 0 ops/s";
        w.WriteLine($"  {label}       n/a  ({why}; target >= {target:F2})");
    }

    public static JsonObject ToJson(Report r, bool quick, string workDirectory, TimeSpan totalRunTime)
    {
        static JsonNode? Num(double? v) => v is { } x && double.IsFinite(x) ? JsonValue.Create(Math.Round(x, 4)) : null;

        var parts = new JsonArray();
        foreach (var result in r.Results)
        {
            var extra = new JsonObject();
            foreach (var (key, value) in result.Extra)
                extra[key] = value;
            parts.Add(new JsonObject
            {
                ["name"] = result.Name,
                ["operations"] = result.Operations,
                ["seconds"] = Math.Round(result.Elapsed.TotalSeconds, 6),
                ["opsPerSecond"] = Math.Round(result.OperationsPerSecond, 2),
                ["extra"] = extra,
            });
        }

        var failures = new JsonArray();
        foreach (var (name, error) in r.Failures)
            failures.Add(new JsonObject { ["name"] = name, ["error"] = error });

        return new JsonObject
        {
            ["timestampUtc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["mode"] = quick ? "quick" : "full",
            ["totalRunSeconds"] = Math.Round(totalRunTime.TotalSeconds, 3),
            ["machine"] = new JsonObject
            {
                ["logicalCpus"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["runtime"] = RuntimeInformation.FrameworkDescription,
                ["workDirectory"] = workDirectory,
                ["workFileSystem"] = FileSystemInfoHelper.Describe(workDirectory),
            },
            ["parts"] = parts,
            ["failed"] = failures,
            ["notMeasured"] = new JsonArray(r.NotMeasured.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["ratios"] = new JsonObject
            {
                ["engineOverSqlite"] = Num(r.EngineOverSqlite),
                ["engineNormalOverSqliteNormal"] = Num(r.EngineNormalOverSqliteNormal),
                ["engineOverWorkflowCore"] = Num(r.EngineOverWorkflowCore),
                ["engineNormalOverWorkflowCore"] = Num(r.EngineNormalOverWorkflowCore),
            },
            ["memoryPerSuspendedInstance"] = new JsonObject
            {
                ["engineBytesStored"] = Num(r.EngineBytesPerSuspendedInstance),
                ["workflowCoreHeapBytes"] = Num(r.WorkflowCoreHeapBytesPerSuspendedInstance),
            },
            ["targets"] = new JsonObject
            {
                ["engineOverSqliteMin"] = BenchmarkTargets.EngineOverSqliteMin,
                ["engineOverWorkflowCoreMin"] = BenchmarkTargets.EngineOverWorkflowCoreMin,
                ["maxBytesPerSuspendedInstance"] = BenchmarkTargets.MaxBytesPerSuspendedInstance,
            },
        };
    }
}

/// <summary>Which file system a path lives on (Linux: longest matching mount point in /proc/mounts).</summary>
public static class FileSystemInfoHelper
{
    public static string Describe(string path)
    {
        try
        {
            if (!File.Exists("/proc/mounts"))
                return "unknown";
            var full = Path.GetFullPath(path);
            string? bestMount = null, bestType = null, bestDevice = null;
            foreach (var line in File.ReadLines("/proc/mounts"))
            {
                var f = line.Split(' ');
                if (f.Length < 3) continue;
                var mount = f[1].Replace("\\040", " ");
                var matches = mount == "/" || full == mount || full.StartsWith(mount + "/", StringComparison.Ordinal);
                if (matches && (bestMount is null || mount.Length >= bestMount.Length))
                    (bestMount, bestType, bestDevice) = (mount, f[2], f[0]);
            }
            return bestMount is null ? "unknown" : $"{bestType} ({bestDevice} on {bestMount})";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
