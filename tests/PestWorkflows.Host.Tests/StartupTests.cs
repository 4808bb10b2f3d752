using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PestWorkflows.Host.Tests.Infrastructure;
using static PestWorkflows.Host.Tests.Infrastructure.HttpJson;

namespace PestWorkflows.Host.Tests;

public sealed class StartupTests
{
    [Fact]
    public async Task Hello_world_from_the_workflows_folder_is_published_at_start_and_listed()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database);
        using var client = await app.LoginAsync(HostApp.Coordinator);

        var list = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions?versionOptions=Latest&Page=0&PageSize=10&SearchTerm=&IsSystem=False&OrderDirection=Ascending");

        var hello = Assert.Single(list["items"]!.AsArray(), i => (string?)i!["definitionId"] == "hello-world")!;
        Assert.Equal("Hallo wereld", (string?)hello["name"]);
        Assert.Equal(1, (int)hello["version"]!);
        Assert.True((bool)hello["isPublished"]!);
        // Shared by all schools, so read-only in the Studio: no publish link.
        Assert.DoesNotContain(hello["links"]!.AsArray(), l => (string?)l!["rel"] == "publish");
        Assert.Contains(list["links"]!.AsArray(), l => (string?)l!["rel"] == "bulk-publish");
        // The clock is the test's FakeTimeProvider: the engine took TimeProvider from DI.
        Assert.Equal(HostApp.StartTime, DateTimeOffset.Parse((string)hello["createdAt"]!));
    }

    [Fact]
    public async Task The_database_location_is_logged_once_at_start()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database);
        using var client = await app.LoginAsync(HostApp.Coordinator);

        var lines = app.Log.Entries.Where(e => e.Message.StartsWith("Database: ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal($"Database: SQLite {database.FilePath}", line.Message);
    }

    [Fact]
    public async Task A_restart_on_the_same_database_creates_no_second_version()
    {
        using var database = new TempDatabase();
        await using (var first = new HostApp(database))
        {
            using var client = await first.LoginAsync(HostApp.Coordinator);
            Assert.Contains(("hello-world", 1, true), await client.ListVersionsAsync());
        }

        await using var second = new HostApp(database);
        using var again = await second.LoginAsync(HostApp.Coordinator);
        var versions = (await again.ListVersionsAsync()).Where(v => v.DefinitionId == "hello-world").ToList();

        Assert.Equal([("hello-world", 1, true)], versions);
    }

    [Fact]
    public async Task A_changed_file_is_published_as_a_new_version_at_the_next_start()
    {
        using var database = new TempDatabase();
        var folder = Path.Combine(database.Folder, "workflows");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "hello-world.json");
        File.Copy(Path.Combine(RepoPaths.Workflows, "hello-world.json"), file);

        await using (var first = new HostApp(database, folder))
            first.CreateClient().Dispose();

        var changed = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        changed["root"]!["activities"]![1]!["text"]!["expression"]!["value"] = "Hallo allemaal";
        File.WriteAllText(file, changed.ToJsonString());

        await using var second = new HostApp(database, folder);
        using var client = await second.LoginAsync(HostApp.Coordinator);
        Assert.Equal([("hello-world", 1, false), ("hello-world", 2, true)], await client.ListVersionsAsync());
        var published = await client.GetJsonAsync($"{ElsaRoot}/workflow-definitions/by-definition-id/hello-world?versionOptions=Published");
        Assert.Equal("Hallo allemaal", (string?)published["root"]!["activities"]![1]!["text"]!["expression"]!["value"]);
    }

    [Fact]
    public async Task An_invalid_file_is_logged_with_its_path_and_problems_and_skipped_while_the_host_starts()
    {
        using var database = new TempDatabase();
        var folder = Path.Combine(database.Folder, "workflows");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(RepoPaths.Workflows, "hello-world.json"), Path.Combine(folder, "hello-world.json"));
        var broken = Path.Combine(folder, "broken.json");
        File.WriteAllText(broken, Definitions.StartThenEnd("broken", Definitions.Activity("Mystery1", "Pestprotocol.DoesNotExist")).ToJsonString());
        var malformed = Path.Combine(folder, "malformed.json");
        File.WriteAllText(malformed, """{ "definitionId": "malformed", "root": { """);

        await using var app = new HostApp(database, folder);
        using var client = await app.LoginAsync(HostApp.Coordinator);

        Assert.Equal([("hello-world", 1, true)], await client.ListVersionsAsync());
        var warnings = app.Log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Contains(warnings, w => w.Contains(broken) && w.Contains("Activity 'Mystery1' has unknown type 'Pestprotocol.DoesNotExist'."));
        Assert.Contains(warnings, w => w.Contains(malformed) && w.Contains("Malformed JSON"));
    }

    [Fact]
    public void The_engine_uses_the_TimeProvider_registered_by_the_test()
    {
        using var database = new TempDatabase();
        using var app = new HostApp(database);
        Assert.Same(app.Clock, app.Services.GetRequiredService<TimeProvider>());
    }
}
