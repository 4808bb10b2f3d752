using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Persistence;

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
/// Opens an <see cref="AppDbContext"/> on the connection and transaction of a workflow step, so
/// case and task rows commit (or roll back) with the step.
/// </summary>
public sealed class AppDbContextOnConnection(DatabaseProvider provider)
{
    public AppDbContext Create(WorkflowDbContext step)
    {
        var connection = step.Database.GetDbConnection();
        AppDbContext db = provider == DatabaseProvider.Postgres
            ? new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connection).Options)
            : new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connection).Options);
        if (step.Database.CurrentTransaction?.GetDbTransaction() is DbTransaction transaction)
            db.Database.UseTransaction(transaction);
        return db;
    }
}
