using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PestWorkflows.Engine.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Reports;

/// <summary>The jaarevaluatie's queries on PostgreSQL give the same figures as on SQLite (durations in seconds, percentiles by rank).</summary>
[Collection(PostgresCollection.Name)]
public sealed class AnnualReportOnPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_seeded_year_gives_the_same_figures_on_postgres()
    {
        var connectionString = postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync());
        using var unused = new TempDatabase();
        await using var app = new HostApp(unused);
        await using var host = app.WithWebHostBuilder(b => b
            .UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString)
            .UseSetting("Documents:Path", Path.Combine(unused.Folder, "documents")));
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var login = await client.PostJsonAsync("/api/auth/login", new JsonObject { ["email"] = HostApp.Coordinator, ["password"] = HostApp.Password });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);
        await ReportYearSeed.WriteAsync(host.Services);

        var report = await client.GetJsonAsync("/api/reports/annual?schoolYear=2025-2026");
        AnnualReportExpectations.Assert2025_2026(report["current"]!);
        AnnualReportExpectations.Assert2024_2025(report["previous"]!);
    }
}
