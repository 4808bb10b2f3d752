using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PestWorkflows.Bench;

/// <summary>
/// The built PestWorkflows host as its own process (<c>dotnet PestWorkflows.Host.dll</c>), on a SQLite
/// file of the bench's choosing, in Development so it seeds the demo schools with a known password.
/// Its log goes to the console at Warning, as a school's host would log.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BenchHost(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }
    public int ProcessId => _process.Id;

    /// <summary>The host's working set now (resident memory of the process), in bytes.</summary>
    public long WorkingSet()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public static async Task<BenchHost> StartAsync(string repoRoot, string workDir, string databaseFile, string password, CancellationToken ct,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FindHostDll(repoRoot));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        foreach (var name in new[] { "ConnectionStrings__Workflows", "Database__Provider", "ASPNETCORE_URLS", "DOTNET_URLS", "DOTNET_ENVIRONMENT", "Demo__Enabled" })
            start.Environment.Remove(name);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Workflows"] = $"Data Source={databaseFile}";
        start.Environment["Demo__Password"] = password;
        start.Environment["Workflows__DefinitionsPath"] = Path.Combine(repoRoot, "workflows");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The bench signs in with a password and reports far more signals as one person than a school would.
        start.Environment["Identity__TwoFactorRequiredRoles"] = "";
        start.Environment["RateLimits__Reports__PermitLimit"] = "1000000";
        start.Environment["RateLimits__SignIn__PermitLimit"] = "1000000";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var host = new BenchHost(new Process { StartInfo = start }, url);
        host._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.AppendLine(e.Data); };
        host._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.AppendLine(e.Data); };
        if (!host._process.Start()) throw new InvalidOperationException("dotnet could not be started");
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < StartTimeout && !host._process.HasExited)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var response = await http.GetAsync($"{url}/health", ct);
                if (response.StatusCode == HttpStatusCode.OK) return host;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { /* slow start */ }
            await Task.Delay(200, ct);
        }
        string output;
        lock (host._output) output = host._output.ToString();
        await host.DisposeAsync();
        throw new InvalidOperationException($"the host did not answer GET /health within {StartTimeout.TotalSeconds} s:\n{output}");
    }

    /// <summary>The host's build output of the configuration this bench was built in (Release for `dotnet run -c Release`),
    /// or the one <c>BENCH_HOST_DLL</c> names.</summary>
    private static string FindHostDll(string repoRoot)
    {
        // Another build of the host (e.g. a copy of the bin folder before a change) to compare in one sitting.
        if (Environment.GetEnvironmentVariable("BENCH_HOST_DLL") is { Length: > 0 } other) return Path.GetFullPath(other);
        var own = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var candidates = new[] { own, own == "Release" ? "Debug" : "Release" }
            .Select(c => Path.Combine(repoRoot, "src", "PestWorkflows.Host", "bin", c, "net10.0", "PestWorkflows.Host.dll")).ToList();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"PestWorkflows.Host.dll not found; looked at {string.Join(", ", candidates)}. Build the solution first.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
