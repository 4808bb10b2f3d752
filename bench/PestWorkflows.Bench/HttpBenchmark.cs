using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PestWorkflows.Engine;

namespace PestWorkflows.Bench;

/// <summary>
/// (h) The user's path through the built host over real HTTP: a teacher reports a signal
/// (<c>POST /api/cases</c>), the coordinator lists the case's tasks (<c>GET /api/tasks?caseId=</c>) and
/// completes step 1 (<c>POST /api/tasks/{id}/complete</c>), at 1 and at 32 clients at a time, next to the
/// in-process engine's completions per second measured in the same run. Also the host's CPU time and
/// allocated bytes per request, read from its admin-only counters before and after each level.
/// </summary>
public sealed class HttpBenchmark : IBenchmarkPart
{
    /// <summary>Completions per second over HTTP at 32 clients must be at least this share of the engine's.</summary>
    public const double MinCompletionShareOfEngine = 0.25;
    public const double MaxCompleteP50OneClientMs = 5;
    public const double MaxReportP50OneClientMs = 8;
    public const double MaxP99ManyClientsMs = 150;

    private const string Password = "Bench-wachtwoord-1!";
    private static readonly string[] Teachers = ["leerkracht1@regenboog.test", "leerkracht2@regenboog.test"];
    private const string Coordinator = "apc@regenboog.test";
    private const string Admin = "admin@regenboog.test";

    public string Name => BenchmarkNames.Http;

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var levels = options.Quick ? new[] { (Clients: 1, Paths: 10), (Clients: 32, Paths: 64) } : [(1, 200), (32, 640)];
        // Longer runs for a profiler to attach to (see bench/README.md): BENCH_HTTP_PATHS cases per level.
        if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_HTTP_PATHS"), out var more) && more > 0)
            levels = levels.Select(l => (l.Clients, more)).ToArray();
        var warmUp = options.Quick ? 10 : 100;
        var repoRoot = Program.FindRepoRoot() ?? throw new InvalidOperationException("the repository (PestWorkflows.sln) was not found");
        var folder = Path.Combine(options.WorkDirectory, "http-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var extra = new Dictionary<string, string>();
        try
        {
            // The engine in process, same run, same file system: what a completion costs without the host.
            var engine = await new EngineBenchmark(SqliteSynchronous.Full).RunAsync(options, ct);
            extra["engine in process (a), same run"] = $"{engine.OperationsPerSecond:F0} completions/s";

            long completions = 0;
            var measured = TimeSpan.Zero;
            // Staff emails go out over SMTP, as at a school (to a loopback sink that counts and discards them);
            // BENCH_HTTP_MAILBOX=local keeps the host's own mailbox folder, where it writes one file per email.
            using var smtp = new SmtpSink();
            var local = Environment.GetEnvironmentVariable("BENCH_HTTP_MAILBOX") == "local";
            var settings = local ? new Dictionary<string, string>() : new Dictionary<string, string>
            {
                ["Smtp__Host"] = System.Net.IPAddress.Loopback.ToString(),
                ["Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
                ["Smtp__Security"] = "None",
            };
            extra["emails"] = local ? "the host's local mailbox (a file per email)" : "SMTP to a loopback sink (SmtpSink.cs)";
            await using (var host = await BenchHost.StartAsync(repoRoot, folder, Path.Combine(folder, "http.db"), Password, ct, settings))
            {
                using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 64 })
                    { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(60) };
                var teachers = new List<string>();
                foreach (var teacher in Teachers) teachers.Add(await SignInAsync(http, teacher, ct));
                var coordinator = await SignInAsync(http, Coordinator, ct);
                var admin = await SignInAsync(http, Admin, ct);
                var client = new PathClient(http, teachers, coordinator, admin);

                // Warm up until tiered compilation has settled (JIT, EF's model and query caches, SQLite's page cache):
                // a host that serves a school runs for weeks, and methods still being compiled would count against
                // the first level measured.
                var (rounds, compiled) = await WarmUpAsync(client, warmUp, ct);
                extra["warm-up"] = $"{rounds} round(s) of {warmUp} paths at 1 and 32 clients, until a round compiled fewer than {SettledJitMethods} methods ({compiled} methods compiled in the last)";
                foreach (var (clients, paths) in levels)
                {
                    var before = await CountersAsync(http, admin, ct);
                    var level = await RunLevelAsync(client, clients, paths, ct);
                    var after = await CountersAsync(http, admin, ct);
                    var requests = paths * 3.0;
                    foreach (var (operation, times) in level.Times)
                    {
                        times.Sort();
                        extra[$"{clients} client(s): {operation}"] =
                            $"{times.Count / level.Elapsed[operation].TotalSeconds:F0}/s, p50 {Percentile(times, 0.50):F1} ms, p99 {Percentile(times, 0.99):F1} ms; " +
                            $"host {level.PerRequest[operation].CpuMs:F2} ms CPU, {level.PerRequest[operation].KB:F0} KB a request";
                    }
                    var completionRate = paths / level.Elapsed["complete"].TotalSeconds;
                    extra[$"{clients} client(s): host per request"] =
                        $"{(after.CpuMilliseconds - before.CpuMilliseconds) / requests:F2} ms CPU, {(after.AllocatedBytes - before.AllocatedBytes) / requests / 1024:F0} KB allocated " +
                        $"(GC gen0/1/2: {after.Gen0Collections - before.Gen0Collections}/{after.Gen1Collections - before.Gen1Collections}/{after.Gen2Collections - before.Gen2Collections})";
                    var share = completionRate / engine.OperationsPerSecond;
                    extra[$"{clients} client(s): completions over HTTP / engine"] = share.ToString("F3", CultureInfo.InvariantCulture);
                    if (clients == 1)
                    {
                        var complete = Percentile(level.Times["complete"], 0.5);
                        var report = Percentile(level.Times["report"], 0.5);
                        extra["target 1 client p50"] = $"complete {complete:F1} ms (<= {MaxCompleteP50OneClientMs} ms: {Verdict(complete <= MaxCompleteP50OneClientMs)}), " +
                                                       $"report {report:F1} ms (<= {MaxReportP50OneClientMs} ms: {Verdict(report <= MaxReportP50OneClientMs)})";
                    }
                    else
                    {
                        var worst = level.Times.Max(t => Percentile(t.Value, 0.99));
                        extra[$"target {clients} clients"] = $"completions/engine {share:F3} (>= {MinCompletionShareOfEngine}: {Verdict(share >= MinCompletionShareOfEngine)}), " +
                                                            $"worst p99 {worst:F1} ms (<= {MaxP99ManyClientsMs} ms: {Verdict(worst <= MaxP99ManyClientsMs)})";
                        completions = paths;
                        measured = level.Elapsed["complete"];
                    }
                }
            }
            extra["how"] = "per level: every client reports its signals, then lists each case's tasks, then completes each case's step 1 " +
                           "(each operation timed as its own phase); teachers leerkracht1/2 and the coordinator by bearer token, 2FA off";
            return new BenchmarkResult(Name, completions, measured, extra);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* the host's files may linger a moment */ }
        }
    }

    private const int SettledJitMethods = 10;

    private static async Task<(int Rounds, long Compiled)> WarmUpAsync(PathClient client, int paths, CancellationToken ct)
    {
        var rounds = 0;
        long compiled;
        do
        {
            var before = await client.CountersAsync(ct);
            await RunLevelAsync(client, 1, paths, ct);
            await RunLevelAsync(client, 32, paths, ct);
            await Task.Delay(TimeSpan.FromSeconds(1), ct); // the runtime promotes hot methods after a quiet moment
            compiled = (await client.CountersAsync(ct)).JittedMethods - before.JittedMethods;
            rounds++;
        } while (compiled >= SettledJitMethods && rounds < 30);
        return (rounds, compiled);
    }

    private static string Verdict(bool met) => met ? "MET" : "MISSED";

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];

    private sealed record LevelResult(Dictionary<string, List<double>> Times, Dictionary<string, TimeSpan> Elapsed, Dictionary<string, (double CpuMs, double KB)> PerRequest);

    /// <summary>
    /// <paramref name="paths"/> cases through the path, by <paramref name="clients"/> clients at a time; each
    /// operation is its own phase, so its throughput and latency are its own.
    /// </summary>
    private static async Task<LevelResult> RunLevelAsync(PathClient client, int clients, int paths, CancellationToken ct)
    {
        var times = new Dictionary<string, List<double>>();
        var elapsed = new Dictionary<string, TimeSpan>();
        var perRequest = new Dictionary<string, (double, double)>();
        var cases = new string[paths];
        var tasks = new string[paths];
        async Task PhaseAsync(string name, Func<int, Task> operation)
        {
            var bag = new ConcurrentBag<double>();
            var next = -1;
            var before = await client.CountersAsync(ct);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < paths; i = Interlocked.Increment(ref next))
                {
                    var one = Stopwatch.StartNew();
                    await operation(i);
                    bag.Add(one.Elapsed.TotalMilliseconds);
                }
            }, ct)));
            elapsed[name] = watch.Elapsed;
            times[name] = bag.ToList();
            // The phase's own share of the host's work; background work a phase sets off (the outbox's emails) may
            // run on into the next phase.
            var after = await client.CountersAsync(ct);
            perRequest[name] = ((after.CpuMilliseconds - before.CpuMilliseconds) / paths, (after.AllocatedBytes - before.AllocatedBytes) / 1024.0 / paths);
        }
        await PhaseAsync("report", async i => cases[i] = await client.ReportAsync(i, ct));
        await PhaseAsync("list", async i => tasks[i] = await client.FirstTaskAsync(cases[i], ct));
        await PhaseAsync("complete", i => client.CompleteAsync(tasks[i], ct));
        return new LevelResult(times, elapsed, perRequest);
    }

    private sealed class PathClient(HttpClient http, IReadOnlyList<string> teachers, string coordinator, string admin)
    {
        public Task<Counters> CountersAsync(CancellationToken ct) => HttpBenchmark.CountersAsync(http, admin, ct);

        public async Task<string> ReportAsync(int i, CancellationToken ct)
        {
            var observed = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture);
            using var response = await SendAsync(HttpMethod.Post, "/api/cases", teachers[i % teachers.Count], $$"""
                {"description":"Tijdens de pauze werd een leerling steeds uitgescholden.","observedAt":"{{observed}}","location":"Schoolplein",
                 "boundaryCrossed":true,"pupils":[{"pupilId":"rb-033","role":"Bullied"},{"pupilId":"rb-038","role":"Bully"}]}
                """, HttpStatusCode.Created, ct);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return json.RootElement.GetProperty("id").GetString()!;
        }

        public async Task<string> FirstTaskAsync(string caseId, CancellationToken ct)
        {
            using var response = await SendAsync(HttpMethod.Get, $"/api/tasks?caseId={caseId}", coordinator, null, HttpStatusCode.OK, ct);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var step1 = json.RootElement.EnumerateArray().FirstOrDefault(t => t.GetProperty("step").GetInt32() == 1);
            return step1.ValueKind == JsonValueKind.Object ? step1.GetProperty("id").GetString()!
                : throw new InvalidOperationException($"case {caseId}: no open step 1 for the coordinator");
        }

        public async Task CompleteAsync(string taskId, CancellationToken ct)
        {
            using var _ = await SendAsync(HttpMethod.Post, $"/api/tasks/{taskId}/complete", coordinator,
                """{"result":{"notes":"Signalen besproken met de melder."}}""", HttpStatusCode.NoContent, ct, alsoOk: true);
        }

        private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string token, string? body, HttpStatusCode expect, CancellationToken ct, bool alsoOk = false)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            var response = await http.SendAsync(request, ct);
            if (response.StatusCode != expect && !(alsoOk && response.StatusCode == HttpStatusCode.OK))
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                response.Dispose();
                throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {text}");
            }
            return response;
        }
    }

    private sealed record Counters(double CpuMilliseconds, long AllocatedBytes, int Gen0Collections, int Gen1Collections, int Gen2Collections, long JittedMethods);

    private static async Task<Counters> CountersAsync(HttpClient http, string admin, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/diagnostics/runtime");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<Counters>(await response.Content.ReadAsStringAsync(ct), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static async Task<string> SignInAsync(HttpClient http, string email, CancellationToken ct)
    {
        using var response = await http.PostAsync("/api/auth/login",
            new StringContent($"{{\"email\":\"{email}\",\"password\":\"{Password}\"}}", Encoding.UTF8, "application/json"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"sign in as {email}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }
}
