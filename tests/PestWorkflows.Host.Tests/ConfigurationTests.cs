using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Persistence;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Health;

namespace PestWorkflows.Host.Tests;

/// <summary>How configuration reaches the engine, without starting a host.</summary>
public sealed class ConfigurationTests
{
    private static WebApplicationBuilder Builder(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = "Production" });
        builder.AddApplicationServices();
        return builder;
    }

    [Fact]
    public async Task Without_settings_the_engine_uses_SQLite_at_data_pestworkflows_db_and_listens_on_5080()
    {
        var builder = Builder();
        Assert.Equal(Extensions.DefaultUrl, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
        await using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<WorkflowEngineOptions>>().Value;
        Assert.Equal(DatabaseProvider.Sqlite, options.Provider);
        Assert.Equal("Data Source=data/pestworkflows.db", options.ConnectionString);
        Assert.Equal("SQLite " + Path.GetFullPath("data/pestworkflows.db"), app.Services.GetRequiredService<DatabaseInitializer>().Describe());
    }

    [Theory]
    [InlineData(null, 2)] // FULL: an acknowledged step survives a power cut
    [InlineData("Normal", 1)]
    public async Task SQLite_commits_with_synchronous_full_unless_Workflows_SqliteSynchronous_lowers_it(string? setting, long expected)
    {
        var file = Path.Combine(Path.GetTempPath(), "pestworkflows-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var args = new List<string> { $"--ConnectionStrings:Workflows=Data Source={file}" };
        if (setting is not null) args.Add($"--Workflows:SqliteSynchronous={setting}");
        await using var app = Builder(args.ToArray()).Build();
        await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(); // the file in WAL mode, as in production

        await using var engineDb = await app.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync();
        Assert.Equal(expected, await SynchronousAsync(engineDb));

        // The host's own writes outside a step (identity, demo data) never sync less than FULL.
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Equal(2, await SynchronousAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>()));
    }

    private static async Task<long> SynchronousAsync(DbContext db)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Urls_given_on_the_command_line_are_kept()
    {
        var builder = Builder("--urls", "http://127.0.0.1:6123");
        Assert.Equal("http://127.0.0.1:6123", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public async Task Postgres_is_chosen_by_Database_Provider_and_described_without_the_password()
    {
        await using var app = Builder(
            "--Database:Provider=postgres",
            "--ConnectionStrings:Workflows=Host=127.0.0.1;Port=1;Database=pest;Username=pest;Password=geheim").Build();

        var options = app.Services.GetRequiredService<IOptions<WorkflowEngineOptions>>().Value;
        Assert.Equal(DatabaseProvider.Postgres, options.Provider);
        var description = app.Services.GetRequiredService<DatabaseInitializer>().Describe();
        Assert.Equal("PostgreSQL 127.0.0.1:1/pest", description);
        Assert.DoesNotContain("geheim", description);

        // Nothing listens on port 1: the health check says Unhealthy (GET /health answers 503).
        var health = ActivatorUtilities.CreateInstance<DatabaseHealthCheck>(app.Services);
        var result = await health.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Demo_data_outside_Development_stops_the_start_with_a_clear_message(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--Demo:Enabled=true"], EnvironmentName = environment });
        var e = Assert.Throws<InvalidOperationException>(() => builder.AddApplicationServices());
        Assert.StartsWith($"Demo:Enabled is only allowed in Development; this host runs in '{environment}'.", e.Message);
    }

    [Fact]
    public void An_unknown_provider_stops_the_start_with_a_clear_message()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Builder("--Database:Provider=Oracle"));
        Assert.Equal("Database:Provider is 'Oracle'; use Sqlite or Postgres.", e.Message);
    }
}
