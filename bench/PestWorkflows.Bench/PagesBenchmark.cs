using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace PestWorkflows.Bench;

/// <summary>
/// (e) The staff pages through the built host over real HTTP, on a SQLite file with many cases:
/// the inbox (<c>/</c>), the case list (<c>/zaken</c>), a dossier (<c>/zaken/{id}</c>) and a pupil page
/// (<c>/leerlingen/{id}</c>), as the demo school's coordinator and as one of its teachers, one request
/// at a time. Measured at two sizes (full: 10,000 and 100,000 cases over 50 schools) with the host
/// process's working set after each, to see that the time and the memory stay flat as cases grow.
/// </summary>
public sealed class PagesBenchmark : IBenchmarkPart
{
    /// <summary>Each page's p95 must stay under this.</summary>
    public const double MaxP95Milliseconds = 50;

    /// <summary>"Flat": the working set at the large size at most this factor of the one at the small size.</summary>
    public const double MaxWorkingSetGrowth = 1.25;

    private const string Password = "Bench-wachtwoord-1!";
    private const string Coordinator = "apc@regenboog.test";
    private const string Teacher = "leerkracht1@regenboog.test";

    public string Name => BenchmarkNames.Pages;

    public async Task<BenchmarkResult> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var (small, large, warmUp, measured) = options.Quick ? (500, 2_000, 3, 15) : (10_000, 100_000, 30, 200);
        var repoRoot = Program.FindRepoRoot() ?? throw new InvalidOperationException("the repository (PestWorkflows.sln) was not found");
        var folder = Path.Combine(options.WorkDirectory, "pages-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "pages.db");
        var extra = new Dictionary<string, string>();
        try
        {
            await using var host = await BenchHost.StartAsync(repoRoot, folder, file, Password, ct);
            using var coordinator = await SignInAsync(host.Url, Coordinator, ct);
            using var teacher = await SignInAsync(host.Url, Teacher, ct);
            await ReportOneCaseAsync(host.Url, ct);

            var seeder = new PagesSeeder($"Data Source={file}");
            var seeding = Stopwatch.StartNew();
            await seeder.PrepareAsync(ct);
            var teacherId = await seeder.UserIdAsync(Teacher, ct);

            var all = new List<double>();
            var totalTime = TimeSpan.Zero;
            var workingSets = new List<(int Cases, long Bytes)>();
            var missed = new List<string>();
            foreach (var size in new[] { small, large })
            {
                seeding.Restart();
                await seeder.GrowToAsync(size, ct);
                var regenboog = seeder.RegenboogCases;
                var random = new Random(size);
                var coordinatorDossiers = Enumerable.Range(0, measured + warmUp).Select(_ => regenboog[random.Next(regenboog.Count)]).ToList();
                var own = regenboog.Where(c => c.ReporterId == teacherId).ToList();
                var teacherDossiers = Enumerable.Range(0, measured + warmUp).Select(_ => own[random.Next(own.Count)]).ToList();
                await seeder.AddInstancesAsync(coordinatorDossiers.Concat(teacherDossiers).Select(c => (c.CaseId, c.InstanceId)), ct);
                extra[$"seed to {size:N0} cases"] = $"{seeding.Elapsed.TotalSeconds:F1} s";

                var pupils = new[] { "rb-033", "rb-034", "rb-035", "rb-036", "rb-037", "rb-038", "rb-039", "rb-040" };
                var pages = new (string Label, HttpClient Client, Func<int, string> Url, string Expect)[]
                {
                    ("coordinator GET /", coordinator, _ => "/", "Mijn taken"),
                    ("coordinator GET /zaken", coordinator, _ => "/zaken", "id=\"zaken\""),
                    ("coordinator GET /zaken/{id}", coordinator, i => $"/zaken/{coordinatorDossiers[i].CaseId}", "id=\"tijdlijn\""),
                    ("coordinator GET /leerlingen/{id}", coordinator, i => $"/leerlingen/{pupils[i % pupils.Length]}", "id=\"leerling\""),
                    ("teacher GET /", teacher, _ => "/", "Mijn taken"),
                    ("teacher GET /zaken", teacher, _ => "/zaken", "id=\"zaken\""),
                    ("teacher GET /zaken/{id}", teacher, i => $"/zaken/{teacherDossiers[i].CaseId}", "id=\"tijdlijn\""),
                };
                foreach (var (label, client, url, expect) in pages)
                {
                    for (var i = 0; i < warmUp; i++) await GetAsync(client, url(measured + i), expect, ct);
                    var times = new List<double>(measured);
                    for (var i = 0; i < measured; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        await GetAsync(client, url(i), expect, ct);
                        watch.Stop();
                        times.Add(watch.Elapsed.TotalMilliseconds);
                        totalTime += watch.Elapsed;
                    }
                    all.AddRange(times);
                    times.Sort();
                    var (p50, p95) = (Percentile(times, 0.50), Percentile(times, 0.95));
                    var met = p95 < MaxP95Milliseconds;
                    if (!met) missed.Add($"{label} at {size:N0}");
                    extra[$"{label} @ {size:N0}"] = $"p50 {p50:F1} ms, p95 {p95:F1} ms (target p95 < {MaxP95Milliseconds} ms: {(met ? "MET" : "MISSED")})";
                }
                var workingSet = host.WorkingSet();
                workingSets.Add((size, workingSet));
                extra[$"host working set @ {size:N0}"] = $"{workingSet / 1024.0 / 1024.0:F0} MB";
            }

            var growth = (double)workingSets[1].Bytes / workingSets[0].Bytes;
            extra["host working set growth"] = $"{growth:F2}x from {small:N0} to {large:N0} cases (target <= {MaxWorkingSetGrowth:F2}x: {(growth <= MaxWorkingSetGrowth ? "MET" : "MISSED")})";
            extra["pages p95 target"] = missed.Count == 0 ? $"every page p95 < {MaxP95Milliseconds} ms: MET" : $"MISSED: {string.Join("; ", missed)}";
            extra["database"] = $"{new FileInfo(file).Length / 1024.0 / 1024.0:F0} MB SQLite file, {PagesSeeder.Schools} schools; time is each request's round trip over loopback";
            return new BenchmarkResult(Name, all.Count, totalTime, extra);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* the host's files may linger a moment */ }
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task GetAsync(HttpClient client, string url, string expect, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        var html = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK || !html.Contains(expect, StringComparison.Ordinal))
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode}, expected a page with {expect}");
    }

    /// <summary>Signs in through POST /api/auth/login?useCookies=true. The cookie is Secure, which a
    /// cookie container would not send over plain http to 127.0.0.1; so the bench sends it itself.</summary>
    private static async Task<HttpClient> SignInAsync(string baseUrl, string email, CancellationToken ct)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        using var response = await client.PostAsync("/api/auth/login?useCookies=true",
            new StringContent($"{{\"email\":\"{email}\",\"password\":\"{Password}\"}}", Encoding.UTF8, "application/json"), ct);
        if (!response.IsSuccessStatusCode || !response.Headers.TryGetValues("Set-Cookie", out var cookies))
            throw new InvalidOperationException($"sign in as {email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => c.Split(';')[0])));
        return client;
    }

    /// <summary>One real case through the host's API, so the generated ones copy a real task's form and instance row.</summary>
    private static async Task ReportOneCaseAsync(string baseUrl, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using (var login = await client.PostAsync("/api/auth/login",
            new StringContent($"{{\"email\":\"{Teacher}\",\"password\":\"{Password}\"}}", Encoding.UTF8, "application/json"), ct))
        {
            var token = System.Text.Json.JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("accessToken").GetString();
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        var observed = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture);
        using var response = await client.PostAsync("/api/cases", new StringContent($$"""
            {"description":"Tijdens de pauze werd een leerling steeds uitgescholden.","observedAt":"{{observed}}","location":"Schoolplein",
             "boundaryCrossed":true,"pupils":[{"pupilId":"rb-033","role":"Bullied"},{"pupilId":"rb-038","role":"Bully"}]}
            """, Encoding.UTF8, "application/json"), ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"POST /api/cases: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }
}
