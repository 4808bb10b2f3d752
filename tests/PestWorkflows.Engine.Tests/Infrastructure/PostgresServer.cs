using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace PestWorkflows.Engine.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for tests: initdb into a temp directory, start it on a free
/// loopback port, stop it and delete the directory on dispose. Never touches the system cluster or
/// port 5432.
///
/// Set <c>PESTWORKFLOWS_TEST_POSTGRES</c> to a connection string to use an existing server
/// instead (its user must be allowed to CREATE DATABASE). <c>PESTWORKFLOWS_PG_BINDIR</c> overrides
/// the directory holding initdb and pg_ctl (default /usr/lib/postgresql/15/bin).
/// test.sh installs the Debian package <c>postgresql</c> when initdb is missing.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string ExternalServerVariable = "PESTWORKFLOWS_TEST_POSTGRES";
    public const string BinDirVariable = "PESTWORKFLOWS_PG_BINDIR";
    public const string DefaultBinDir = "/usr/lib/postgresql/15/bin";

    private const string DirPrefix = "pestwf-pg-";
    private const string OwnerFile = "owner.pid";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);

    private readonly NpgsqlConnectionStringBuilder _baseConnection;
    private readonly string? _rootDir;
    private readonly string? _binDir;
    private readonly bool _runAsPostgres;
    private readonly List<string> _createdDatabases = new();
    private readonly object _gate = new();
    private int _disposed;

    private PostgresServer(NpgsqlConnectionStringBuilder baseConnection, string? rootDir, string? binDir, bool runAsPostgres)
    {
        _baseConnection = baseConnection;
        _rootDir = rootDir;
        _binDir = binDir;
        _runAsPostgres = runAsPostgres;
        if (IsThrowaway)
        {
            // Best effort if the test host exits without disposing (e.g. a fixture that never got torn down).
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        }
    }

    /// <summary>True when this instance started its own cluster; false when it uses PESTWORKFLOWS_TEST_POSTGRES.</summary>
    public bool IsThrowaway => _rootDir is not null;

    public string Host => _baseConnection.Host!;
    public int Port => _baseConnection.Port;

    /// <summary>The server log of a throwaway cluster (null for an external server).</summary>
    public string? LogPath => _rootDir is null ? null : Path.Combine(_rootDir, "server.log");

    public static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(external);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{ExternalServerVariable} is not a valid Npgsql connection string: {ex.Message}", ex);
            }
            if (string.IsNullOrEmpty(builder.Database))
            {
                builder.Database = "postgres";
            }
            return new PostgresServer(builder, rootDir: null, binDir: null, runAsPostgres: false);
        }

        var binDir = FindBinDir();
        var runAsPostgres = Environment.IsPrivilegedProcess; // initdb refuses to run as root
        if (runAsPostgres)
        {
            if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/usr/bin/runuser") && !File.Exists("/sbin/runuser"))
            {
                throw new InvalidOperationException("runuser (util-linux) is missing; it is needed to run initdb as the postgres user when the tests run as root.");
            }
            if (!File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException(
                    "The 'postgres' system user does not exist. It comes with the Debian package 'postgresql', which ./test.sh installs " +
                    "(apt-get install -y postgresql). Or set " + ExternalServerVariable + " to a connection string of an existing server.");
            }
        }

        SweepAbandonedClusters(binDir, runAsPostgres);

        // Under root, /tmp: the postgres user must be able to traverse every parent directory.
        var tempBase = runAsPostgres ? "/tmp" : Path.GetTempPath();
        var rootDir = Path.Combine(tempBase, DirPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(rootDir);
        await File.WriteAllTextAsync(Path.Combine(rootDir, OwnerFile), Environment.ProcessId.ToString());

        try
        {
            if (runAsPostgres)
            {
                await RunAsync("chown", new[] { "-R", "postgres:postgres", rootDir }, null);
            }

            var dataDir = Path.Combine(rootDir, "data");
            var logPath = Path.Combine(rootDir, "server.log");
            await RunToolAsync(binDir, "initdb", runAsPostgres, logPath,
                "-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");

            // A port picked this way can be taken by someone else before postgres binds it: retry a few times.
            Exception? last = null;
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                var port = FreeTcpPort();
                try
                {
                    await RunToolAsync(binDir, "pg_ctl", runAsPostgres, logPath,
                        "-D", dataDir, "-l", logPath, "-w", "-t", "60",
                        "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {rootDir} -c fsync=off -c max_connections=300",
                        "start");
                    var builder = new NpgsqlConnectionStringBuilder
                    {
                        Host = "127.0.0.1",
                        Port = port,
                        Username = "postgres",
                        Database = "postgres",
                    };
                    return new PostgresServer(builder, rootDir, binDir, runAsPostgres);
                }
                catch (Exception ex) when (attempt < 3 && ReadTail(logPath, 20).Contains("already in use", StringComparison.OrdinalIgnoreCase))
                {
                    last = ex;
                }
            }
            throw last ?? new InvalidOperationException("PostgreSQL did not start.");
        }
        catch
        {
            await StopAndDeleteAsync(rootDir, binDir, runAsPostgres);
            throw;
        }
    }

    /// <summary>A connection string to <paramref name="database"/> on this server (pooled, at most 100 connections).</summary>
    public string ConnectionStringFor(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(_baseConnection.ConnectionString)
        {
            Database = database,
            Pooling = true,
            MaxPoolSize = 100,
        };
        return builder.ConnectionString;
    }

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N");
        if (name.Length == 0 || name.Length > 63)
        {
            throw new ArgumentException("A PostgreSQL database name has 1 to 63 characters.", nameof(name));
        }

        await using (var connection = new NpgsqlConnection(AdminConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(name)}", connection);
            await command.ExecuteNonQueryAsync();
        }
        lock (_gate)
        {
            _createdDatabases.Add(name);
        }
        return ConnectionStringFor(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        NpgsqlConnection.ClearAllPools();

        if (_rootDir is not null)
        {
            await StopAndDeleteAsync(_rootDir, _binDir!, _runAsPostgres);
            return;
        }

        // External server: drop what we created, best effort.
        string[] names;
        lock (_gate)
        {
            names = _createdDatabases.ToArray();
        }
        if (names.Length == 0)
        {
            return;
        }
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString());
            await connection.OpenAsync();
            foreach (var name in names)
            {
                try
                {
                    await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {QuoteIdentifier(name)} WITH (FORCE)", connection);
                    await command.ExecuteNonQueryAsync();
                }
                catch (PostgresException)
                {
                    // Leave it; the server is someone else's to clean.
                }
            }
        }
        catch (Exception)
        {
            // Best effort only.
        }
    }

    public override string ToString() =>
        IsThrowaway ? $"throwaway PostgreSQL at {Host}:{Port} ({_rootDir})" : $"external PostgreSQL at {Host}:{Port}";

    private string AdminConnectionString()
    {
        var builder = new NpgsqlConnectionStringBuilder(_baseConnection.ConnectionString)
        {
            Pooling = false,
        };
        return builder.ConnectionString;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _rootDir is null)
        {
            return;
        }
        try
        {
            StopAndDeleteAsync(_rootDir, _binDir!, _runAsPostgres).Wait(TimeSpan.FromSeconds(10));
        }
        catch
        {
            // The process is exiting anyway.
        }
    }

    private static string FindBinDir()
    {
        var overridden = Environment.GetEnvironmentVariable(BinDirVariable);
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            candidates.Add(overridden);
        }
        candidates.Add(DefaultBinDir);

        foreach (var dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        var missing = new[] { "initdb", "pg_ctl" }
            .Select(tool => Path.Combine(candidates[0], tool))
            .Where(path => !File.Exists(path));
        throw new InvalidOperationException(
            $"PostgreSQL server binaries are missing: {string.Join(" and ", missing)} not found. " +
            "./test.sh installs them (apt-get update && apt-get install -y postgresql, Debian's PostgreSQL 15). " +
            $"Alternatively set {BinDirVariable} to a directory holding initdb and pg_ctl, " +
            $"or {ExternalServerVariable} to a connection string of an existing server.");
    }

    private static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static Task RunToolAsync(string binDir, string tool, bool runAsPostgres, string? logPath, params string[] args)
    {
        var toolPath = Path.Combine(binDir, tool);
        return runAsPostgres
            ? RunAsync("runuser", new[] { "-u", "postgres", "--", toolPath }.Concat(args).ToArray(), logPath)
            : RunAsync(toolPath, args, logPath);
    }

    private static async Task RunAsync(string fileName, string[] args, string? logPath)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["LC_ALL"] = "C.UTF-8";

        var commandLine = fileName + " " + string.Join(" ", args.Select(a => a.Contains(' ') ? "\"" + a + "\"" : a));
        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Could not start '{commandLine}': {ex.Message}", ex);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch { /* already gone */ }
            throw new InvalidOperationException(
                $"'{commandLine}' did not finish within {ToolTimeout.TotalSeconds:0} s.\n{Describe(output, logPath)}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{commandLine}' failed with exit code {process.ExitCode}.\n{Describe(output, logPath)}");
        }
    }

    private static string Describe(StringBuilder output, string? logPath)
    {
        string text;
        lock (output)
        {
            text = output.ToString().TrimEnd();
        }
        var sb = new StringBuilder();
        sb.AppendLine("--- output ---").AppendLine(text.Length == 0 ? "(none)" : text);
        if (logPath is not null)
        {
            sb.AppendLine($"--- server log tail ({logPath}) ---").AppendLine(ReadTail(logPath, 40));
        }
        return sb.ToString();
    }

    private static string ReadTail(string path, int lines)
    {
        try
        {
            if (!File.Exists(path))
            {
                return "(no server log)";
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines))).TrimEnd();
        }
        catch (Exception ex)
        {
            return $"(could not read server log: {ex.Message})";
        }
    }

    private static async Task StopAndDeleteAsync(string rootDir, string binDir, bool runAsPostgres)
    {
        var dataDir = Path.Combine(rootDir, "data");
        if (File.Exists(Path.Combine(dataDir, "postmaster.pid")))
        {
            try
            {
                await RunToolAsync(binDir, "pg_ctl", runAsPostgres, null, "-D", dataDir, "-m", "immediate", "-w", "-t", "30", "stop");
            }
            catch (Exception)
            {
                // Not running, or already stopping: delete anyway.
            }
        }
        try
        {
            Directory.Delete(rootDir, recursive: true);
        }
        catch (Exception)
        {
            // A leftover directory in /tmp is harmless; the next sweep removes it.
        }
    }

    /// <summary>
    /// Stops and deletes clusters left behind by test processes that died without disposing
    /// (killed by a hang timeout, a crash, Ctrl+C). Only directories whose recorded owner process is gone.
    /// </summary>
    private static void SweepAbandonedClusters(string binDir, bool runAsPostgres)
    {
        var tempBase = runAsPostgres ? "/tmp" : Path.GetTempPath();
        string[] dirs;
        try
        {
            dirs = Directory.GetDirectories(tempBase, DirPrefix + "*");
        }
        catch (Exception)
        {
            return;
        }
        foreach (var dir in dirs)
        {
            try
            {
                var ownerFile = Path.Combine(dir, OwnerFile);
                if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile).Trim(), out var ownerPid))
                {
                    continue;
                }
                if (ownerPid == Environment.ProcessId || Directory.Exists($"/proc/{ownerPid}"))
                {
                    continue;
                }
                StopAndDeleteAsync(dir, binDir, runAsPostgres).GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Someone else's problem; never fail a test run over a sweep.
            }
        }
    }
}

/// <summary>
/// One PostgreSQL server shared by every test class in the "postgres" collection. Give each test
/// its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    public Task<string> CreateDatabaseAsync(string? name = null) => Server.CreateDatabaseAsync(name);

    public string ConnectionStringFor(string database) => Server.ConnectionStringFor(database);

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// xunit only sees a collection definition in the test assembly itself: another test project that
/// references this one and wants the shared server declares its own
/// <c>[CollectionDefinition("postgres")] class X : ICollectionFixture&lt;PostgresFixture&gt;</c>.
/// </summary>
[CollectionDefinition(Name)]
public class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
