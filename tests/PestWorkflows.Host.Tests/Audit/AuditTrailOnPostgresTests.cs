using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using PestWorkflows.Engine.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Audit;

/// <summary>On PostgreSQL, the audit table refuses UPDATE, DELETE and TRUNCATE as well.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditTrailOnPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_database_refuses_to_change_or_remove_an_audit_line()
    {
        var connectionString = postgres.ConnectionStringFor(await postgres.CreateDatabaseAsync());
        using var unused = new TempDatabase();
        await using var app = new HostApp(unused);
        await using var host = app.WithWebHostBuilder(b => b.UseSetting("Database:Provider", "Postgres").UseSetting("ConnectionStrings:Workflows", connectionString)
            .UseSetting("Documents:Path", Path.Combine(unused.Folder, "documents")));
        using var teacher = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var login = await teacher.PostJsonAsync("/api/auth/login", new JsonObject { ["email"] = HostApp.Teacher1, ["password"] = HostApp.Password });
        teacher.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);
        var caseId = (string)(await teacher.PostJsonAsync("/api/cases", SchoolApp.Signal(("rb-033", "Bullied"))))["id"]!;
        await teacher.GetJsonAsync($"/api/cases/{caseId}");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<List<string>> LinesAsync()
        {
            await using var command = new NpgsqlCommand("""SELECT "Action" || ' ' || "ResourceId" FROM audit_trail ORDER BY "Id" """, connection);
            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
            return lines;
        }
        var before = await LinesAsync();
        Assert.Equal([$"signal.reported {caseId}", $"case.viewed {caseId}"], before);

        foreach (var sql in new[] { """UPDATE audit_trail SET "UserId" = 'iemand-anders'""", "DELETE FROM audit_trail", "TRUNCATE audit_trail" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText);
        }
        Assert.Equal(before, await LinesAsync());
    }
}
