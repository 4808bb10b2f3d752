using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Host.Data;

/// <summary>Registers <see cref="AppDbContext"/> for the configured provider, on the engine's database.</summary>
public static class AppDatabase
{
    public static IServiceCollection AddAppDatabase(this IServiceCollection services, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            services.AddDbContext<PostgresAppDbContext>(o => Configure(o, provider, connectionString));
            services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
        }
        else
        {
            services.AddDbContext<SqliteAppDbContext>(o => Configure(o, provider, SqliteConnectionStrings.WithDefaults(connectionString)));
            services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
        }
        services.AddSingleton(new AppDbContextOnConnection(provider));
        return services;
    }

    private static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Postgres)
            options.UseNpgsql(connectionString, o => o.MigrationsHistoryTable(AppDbContext.MigrationsHistoryTable));
        else
            options.UseSqlite(connectionString, o => o.MigrationsHistoryTable(AppDbContext.MigrationsHistoryTable));
    }
}

/// <summary>
/// The <see cref="AppDbContext"/> on the connection and transaction of a workflow step, so case and
/// task rows commit (or roll back) with the step. One context per step context, kept with it and
/// shared by every handler of the step (and what they call), not one per effect: on SQLite a new EF
/// context registers EF's SQL functions on the step's open connection, and SQLite then discards every
/// statement prepared on it, the engine's kept statements included, so the next step prepared them all
/// again. Callers do not dispose it.
/// <para>
/// Handlers prepare their rows before the step's transaction (<see cref="IStepEffectHandler.PrepareAsync"/>,
/// outside SQLite's one-writer-at-a-time turn) and leave them tracked here; their
/// <see cref="IStepEffectHandler.ApplyAsync"/> saves them inside the transaction (<see cref="SaveAsync"/>).
/// What a run tracked is forgotten when the next run on the same step context asks for it, so a step
/// that conflicted or failed leaves nothing behind for the next.
/// </para>
/// </summary>
public sealed class AppDbContextOnConnection(DatabaseProvider provider)
{
    private readonly ConditionalWeakTable<WorkflowDbContext, StepAppDb> _byStep = new();

    public AppDbContext For(WorkflowDbContext step, WorkflowExecutionContext run)
    {
        var connection = step.Database.GetDbConnection();
        // A pooled step context may come back with another connection object; a context is bound to one.
        if (!_byStep.TryGetValue(step, out var kept) || !ReferenceEquals(kept.Db.Database.GetDbConnection(), connection))
        {
            kept = new StepAppDb(Create(connection));
            _byStep.AddOrUpdate(step, kept);
        }
        if (!ReferenceEquals(kept.Run, run))
        {
            // A new step: what the context tracked belongs to the last one (committed or rolled back).
            kept.Db.ChangeTracker.Clear();
            kept.Run = run;
        }
        var transaction = step.Database.CurrentTransaction?.GetDbTransaction();
        if (!ReferenceEquals(kept.Transaction, transaction))
        {
            kept.Db.Database.UseTransaction(null);
            if (transaction is not null) kept.Db.Database.UseTransaction(transaction);
            kept.Transaction = transaction;
        }
        return kept.Db;
    }

    /// <summary>Inside the step's transaction: writes what the step's handlers prepared (nothing when it is written already).</summary>
    public async ValueTask SaveAsync(WorkflowDbContext step, WorkflowExecutionContext run, CancellationToken ct)
    {
        if (step.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A step's rows are saved inside the step's transaction (IStepEffectHandler.ApplyAsync).");
        var db = For(step, run);
        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
    }

    private AppDbContext Create(DbConnection connection) => provider == DatabaseProvider.Postgres
        ? new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connection).Options)
        : new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);

    private sealed class StepAppDb(AppDbContext db)
    {
        public AppDbContext Db { get; } = db;
        public WorkflowExecutionContext? Run { get; set; }
        public DbTransaction? Transaction { get; set; }
    }
}
