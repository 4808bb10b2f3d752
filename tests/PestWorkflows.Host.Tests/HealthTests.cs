using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_is_200_Healthy_when_the_database_answers()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", (string?)body["status"]);
    }

    [Fact]
    public async Task Health_is_503_when_the_database_file_is_gone()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(database.Folder)) File.Delete(file);

        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Unhealthy", (string?)body["status"]);
    }
}
