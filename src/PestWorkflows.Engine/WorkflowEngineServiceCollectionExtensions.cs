using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Descriptors;
using PestWorkflows.Engine.Expressions;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Engine.Serialization;

namespace PestWorkflows.Engine;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Engine settings (section <c>Workflows</c>).</summary>
public sealed class WorkflowEngineOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
    public string ConnectionString { get; set; } = "Data Source=data/pestworkflows.db";
    /// <summary>How often the timer dispatcher looks for due timers.</summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a claimed timer stays with one dispatcher before another may take it.</summary>
    public TimeSpan TimerClaimDuration { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// Whether this host fires due timers in the background. Off for a host that must not (tests
    /// that drive <see cref="TimerDispatcher.DispatchDueAsync"/> themselves, so no background pass
    /// races them); the timers stay in the database for a host that does.
    /// </summary>
    public bool DispatchTimers { get; set; } = true;

    /// <summary>
    /// Whether this host hands due outbox rows to their handlers in the background. Off for a host that
    /// must not (tests that drive <see cref="OutboxDispatcher.DispatchDueAsync"/> themselves); the rows
    /// stay in the database for a host that does.
    /// </summary>
    public bool DispatchOutbox { get; set; } = true;
    /// <summary>
    /// Whether the process that committed a step delivers the events the step published right after the
    /// commit (their outbox rows exist either way; off: only the background dispatcher delivers them).
    /// </summary>
    public bool DeliverEventsAfterStep { get; set; } = true;
    /// <summary>How often the outbox dispatcher looks for due rows when nobody wakes it.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a claimed outbox row stays with one dispatcher before another may take it.</summary>
    public TimeSpan OutboxClaimDuration { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>The delay after a first failed attempt; it doubles after each further one.</summary>
    public TimeSpan OutboxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan OutboxMaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Attempts after which a row that keeps failing is marked Failed (20: about ten hours with the defaults).</summary>
    public int OutboxMaxAttempts { get; set; } = 20;

    public const int DefaultMaxEventDepth = 8;

    /// <summary>
    /// How many event deliveries may follow one another when workflows publish events that resume
    /// workflows that publish events (a caller's publish is the first). A PublishEvent that would go
    /// deeper faults, which is an incident on its instance.
    /// </summary>
    public int MaxEventDepth { get; set; } = DefaultMaxEventDepth;

    /// <summary>
    /// How many activities one step (a start, resume or retry) may run before the engine stops it as
    /// an endless loop: the instance faults with an incident naming this limit, nothing else is affected.
    /// The protocol's longest step runs a few dozen.
    /// </summary>
    public int MaxActivitiesPerStep { get; set; } = 10_000;
    /// <summary>
    /// SQLite only: <see cref="SqliteSynchronous.Full"/> (default) keeps every acknowledged step through a
    /// power cut; <see cref="SqliteSynchronous.Normal"/> commits faster but may lose the last steps then.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;
}

public static class WorkflowEngineServiceCollectionExtensions
{
    /// <summary>Adds the runtime, its store on the configured database, and the timer and outbox dispatchers.</summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services, Action<WorkflowEngineOptions> configure)
    {
        services.Configure(configure);
        var options = new WorkflowEngineOptions();
        configure(options);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(ActivityRegistry.CreateDefault());
        services.TryAddSingleton<IWorkflowTextOutput, ConsoleTextOutput>();
        services.AddSingleton<ExpressionEvaluator>();
        services.AddSingleton<WorkflowDefinitionJson>();
        services.AddSingleton<WorkflowDefinitionStore>();
        services.AddSingleton<WorkflowInstanceStore>();
        services.AddSingleton<WorkflowRunner>();
        services.AddSingleton<WorkflowRuntime>();
        services.AddSingleton<TimerDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<TimerDispatcher>());
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<Outbox>();
        services.AddSingleton<IOutboxHandler, PublishedEventOutboxHandler>();
        services.AddSingleton(new WorkflowDbContextOnConnection(options.Provider));
        services.AddSingleton<DatabaseInitializer>();

        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddPooledDbContextFactory<PostgresWorkflowDbContext>(o => o.UseNpgsql(options.ConnectionString));
            services.AddSingleton<IDbContextFactory<WorkflowDbContext>, DerivedFactory<PostgresWorkflowDbContext>>();
        }
        else
        {
            var connectionString = SqliteConnectionStrings.WithDefaults(options.ConnectionString);
            var pragmas = SqlitePragmas.For(options.SqliteSynchronous);
            services.AddPooledDbContextFactory<SqliteWorkflowDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(pragmas));
            services.AddSingleton<IDbContextFactory<WorkflowDbContext>, DerivedFactory<SqliteWorkflowDbContext>>();
            // The runtime's own contexts, with their connections kept open (see SqliteStepSessions).
            services.AddSingleton(_ => new SqliteStepSessions(new DbContextOptionsBuilder<SqliteWorkflowDbContext>()
                .UseSqlite(connectionString).AddInterceptors(pragmas).Options));
        }
        return services;
    }

    private sealed class DerivedFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<WorkflowDbContext> where T : WorkflowDbContext
    {
        public WorkflowDbContext CreateDbContext() => inner.CreateDbContext();
    }
}

/// <summary>SQLite settings every connection gets: WAL is set once per file, the rest per connection.</summary>
public static class SqliteConnectionStrings
{
    /// <summary>Waits up to 30 s for another writer instead of failing with "database is locked".</summary>
    public static string WithDefaults(string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Default Timeout", StringComparison.OrdinalIgnoreCase)) builder.DefaultTimeout = 30;
        return builder.ToString();
    }
}

/// <summary>
/// Sets the per-connection pragmas once per physical SQLite connection. Microsoft.Data.Sqlite pools
/// physical connections (one <c>sqlite3</c> handle each) and does not reset pragmas when a handle goes
/// back to the pool, so a handle that was configured once keeps these settings for its lifetime;
/// running them again on every logical open only cost three statements per open.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>One instance per setting, so that every context's options are alike (one EF service provider each).</summary>
    private static readonly SqlitePragmas Full = new("PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;");
    private static readonly SqlitePragmas Normal = new("PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;");

    public static SqlitePragmas For(SqliteSynchronous synchronous) => synchronous == SqliteSynchronous.Normal ? Normal : Full;

    private readonly string _pragmas;

    private SqlitePragmas(string pragmas) => _pragmas = pragmas;

    /// <summary>Handles and the instance that configured them; an entry goes away with its handle. A handle
    /// configured by the other instance (one process, one file, both settings) is configured again.</summary>
    private static readonly ConditionalWeakTable<object, SqlitePragmas> Configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        var handle = Handle(connection);
        if (IsConfigured(handle)) return;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }
        if (handle is not null) Configured.AddOrUpdate(handle, this);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var handle = Handle(connection);
        if (IsConfigured(handle)) return;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (handle is not null) Configured.AddOrUpdate(handle, this);
    }

    private bool IsConfigured(object? handle) => handle is not null && Configured.TryGetValue(handle, out var by) && ReferenceEquals(by, this);

    /// <summary>The physical connection behind an open <see cref="Microsoft.Data.Sqlite.SqliteConnection"/>.</summary>
    private static object? Handle(DbConnection connection) => (connection as Microsoft.Data.Sqlite.SqliteConnection)?.Handle;
}

/// <summary>Creates the database (and its folder) and applies the provider's migrations.</summary>
public sealed class DatabaseInitializer(IDbContextFactory<WorkflowDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<WorkflowEngineOptions> options)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (options.Value.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.Value.ConnectionString);
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        if (options.Value.Provider == DatabaseProvider.Sqlite)
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>Where the database is, for the start-up log (without the password).</summary>
    public string Describe()
    {
        if (options.Value.Provider == DatabaseProvider.Sqlite)
            return "SQLite " + Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.Value.ConnectionString).DataSource);
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        return $"PostgreSQL {pg.Host}:{pg.Port}/{pg.Database}";
    }
}
