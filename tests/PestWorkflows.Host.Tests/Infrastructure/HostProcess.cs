using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>
/// The built host as a real process (<c>dotnet PestWorkflows.Host.dll</c>), started the way a user
/// starts it, in a working folder of the test's choosing, with its output captured.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private HostProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }
    public bool HasExited => _process.HasExited;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>
    /// Starts the host in <paramref name="workDir"/> on a free loopback port, in Development (what
    /// <c>dotnet run</c> uses), with nothing configured but <paramref name="environment"/>; waits
    /// until <c>/health</c> answers 200.
    /// </summary>
    public static async Task<HostProcess> StartAsync(string workDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var start = CreateStartInfo(workDir, url, environment);
        var host = new HostProcess(new Process { StartInfo = start }, url);
        host._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (host._stdout) host._stdout.AppendLine(e.Data); };
        host._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._stderr) host._stderr.AppendLine(e.Data); };
        Assert.True(host._process.Start(), "dotnet could not be started");
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout && !host._process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync($"{url}/health");
                if (response.StatusCode == HttpStatusCode.OK) return host;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            catch (TaskCanceledException) { /* slow start */ }
            await Task.Delay(250);
        }
        var exited = host._process.HasExited;
        await host.DisposeAsync();
        throw new Xunit.Sdk.XunitException($"GET {url}/health did not answer 200 within {StartTimeout.TotalSeconds} s (exited: {exited}).\nstdout:\n{host.Stdout}\nstderr:\n{host.Stderr}");
    }

    /// <summary>
    /// How the host is started: <c>dotnet PestWorkflows.Host.dll --urls <paramref name="url"/></c> in
    /// <paramref name="workDir"/>, output redirected, nothing configured from the test's own environment
    /// but the workflows folder, in <paramref name="environmentName"/>, plus <paramref name="environment"/>.
    /// </summary>
    public static ProcessStartInfo CreateStartInfo(string workDir, string url, IReadOnlyDictionary<string, string>? environment = null,
        string environmentName = "Development")
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FindHostDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        // As on a fresh machine: nothing says where the database is, so the default data/pestworkflows.db is used.
        foreach (var name in new[] { "ConnectionStrings__Workflows", "Database__Provider", "ASPNETCORE_URLS", "DOTNET_URLS", "DOTNET_ENVIRONMENT", "Demo__Password", "Demo__Enabled" })
            start.Environment.Remove(name);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environmentName; // Development is what `dotnet run` sets through launchSettings.json
        start.Environment["Workflows__DefinitionsPath"] = RepoPaths.Workflows;
        // Tests sign in with a password only (TwoFactorTests prove the requirement); a test may set it again below.
        start.Environment["Identity__TwoFactorRequiredRoles"] = "";
        // The tests count the cases they make: no demo history unless a test asks for it.
        start.Environment["Demo__PastCases"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return start;
    }

    /// <summary>Ends the process at once, as a power cut or <c>kill -9</c> would (SIGKILL on Unix): nothing is flushed or shut down.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>The host's own build output (as <c>dotnet run</c> would use), else the copy next to the tests.</summary>
    private static string FindHostDll()
    {
        var candidates = new[]
        {
            Path.Combine(RepoPaths.Root, "src", "PestWorkflows.Host", "bin", RepoPaths.Configuration, "net10.0", "PestWorkflows.Host.dll"),
            Path.Combine(AppContext.BaseDirectory, "PestWorkflows.Host.dll"),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"PestWorkflows.Host.dll not found; looked at {string.Join(", ", candidates)}. Build the solution first.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
