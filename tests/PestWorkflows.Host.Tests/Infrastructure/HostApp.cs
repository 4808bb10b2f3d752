using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Activities;
using PestWorkflows.Engine.Descriptors;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>
/// The real host (Program) over real HTTP (the test server), on its own SQLite file, with a fake
/// clock, WriteLine output and log lines captured, and the test activities registered. Disposing it
/// and creating another on the same <see cref="TempDatabase"/> is a host restart.
/// </summary>
public sealed class HostApp(TempDatabase database, string? definitionsPath = null, FakeTimeProvider? clock = null,
    Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset StartTime = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public TempDatabase Database { get; } = database;
    public FakeTimeProvider Clock { get; } = clock ?? new FakeTimeProvider(StartTime);
    public CapturedOutput Output { get; } = new();
    public CapturedLog Log { get; } = new();

    /// <summary>The password of every demo account in tests.</summary>
    public const string Password = "Test-wachtwoord-1!";
    public const string Coordinator = "apc@regenboog.test";
    public const string Teacher1 = "leerkracht1@regenboog.test";
    public const string Teacher2 = "leerkracht2@regenboog.test";
    public const string Leader = "directie@regenboog.test";
    public const string Admin = "admin@regenboog.test";
    public const string OtherCoordinator = "apc@vlinder.test";
    public const string OtherTeacher = "leerkracht1@vlinder.test";

    /// <summary>A client signed in (bearer token from <c>POST /api/auth/login</c>) as a demo account.</summary>
    public async Task<HttpClient> LoginAsync(string email)
    {
        var client = CreateClient();
        using var response = await client.PostAsync("/api/auth/login", HttpJson.Content(new System.Text.Json.Nodes.JsonObject { ["email"] = email, ["password"] = Password }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"login {email}: {(int)response.StatusCode} {text}");
        var token = (string)System.Text.Json.Nodes.JsonNode.Parse(text)!["accessToken"]!;
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:Password", Password);
        // Tests count the cases and tasks they make; the jaarevaluatie's demo history stays out (DemoHistoryTests turn it on).
        builder.UseSetting("Demo:PastCases", "false");
        builder.UseSetting("ConnectionStrings:Workflows", Database.ConnectionString);
        builder.UseSetting("Workflows:DefinitionsPath", definitionsPath ?? RepoPaths.Workflows);
        // The tests fire timers themselves (TimerDispatcher.DispatchDueAsync); no background pass races them.
        builder.UseSetting("Workflows:DispatchTimers", "false");
        builder.UseSetting("Retention:RunDaily", "false"); // tests run CaseRetention themselves
        // Tests sign in with a password only; TwoFactorTests turn the requirement on.
        builder.UseSetting("Identity:TwoFactorRequiredRoles", "");
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        builder.ConfigureTestServices(services =>
        {
            // Registered after AddWorkflowEngine (which uses TryAdd): these win.
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IWorkflowTextOutput>(Output);
            services.AddSingleton(TestRegistry());
            configureServices?.Invoke(services);
        });
    }

    /// <summary>The host's activities plus the test activities whose type names are not taken.</summary>
    private static ActivityRegistry TestRegistry()
    {
        var registry = ActivityRegistry.CreateDefault().AddProtocolActivities();
        foreach (var type in typeof(HostApp).Assembly.GetExportedTypes().Where(t => t.GetCustomAttributes(typeof(ActivityAttribute), false).Length > 0))
            if (registry.Find(ActivityRegistry.Describe(type).TypeName) is null)
                registry.Register(type);
        return registry;
    }
}

/// <summary>A SQLite file in its own temp folder, deleted on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "pestworkflows-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public string FilePath => Path.Combine(Folder, "workflows.db");
    public string ConnectionString => $"Data Source={FilePath}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a host still shutting down; the temp folder is cleaned up later */ }
    }
}

/// <summary>WriteLine output per instance.</summary>
public sealed class CapturedOutput : IWorkflowTextOutput
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new();
    public void WriteLine(string workflowInstanceId, string text) => _lines.GetOrAdd(workflowInstanceId, _ => new()).Enqueue(text);
    public IReadOnlyList<string> For(string instanceId) => _lines.TryGetValue(instanceId, out var q) ? q.ToList() : [];
}

/// <summary>Every log line the host writes, formatted.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => _entries.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(CapturedLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
