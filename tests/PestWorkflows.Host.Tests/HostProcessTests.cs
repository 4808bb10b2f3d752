using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests;

/// <summary>The built host, started the way a user starts it, on an empty folder.</summary>
public sealed class HostProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_built_host_starts_in_an_empty_folder_creates_data_pestworkflows_db_and_answers_health()
    {
        var workDir = Path.Combine(Path.GetTempPath(), "pestworkflows-host-process", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        var host = await HostProcess.StartAsync(workDir);
        try
        {
            var url = host.Url;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var database = Path.Combine(workDir, "data", "pestworkflows.db");
            Assert.True(File.Exists(database), $"{database} was not created.\nstdout:\n{host.Stdout}");

            // The log line is written before the host listens, so it is in stdout by now.
            var log = host.Stdout;
            var line = log.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Database: SQLite ", StringComparison.Ordinal));
            Assert.True(line is not null, $"No 'Database: SQLite ...' line in stdout:\n{log}");
            Assert.EndsWith(Path.Combine("data", "pestworkflows.db"), line);
            Assert.Equal(1, log.Split('\n').Count(l => l.Contains("Database: ", StringComparison.Ordinal)));
            Assert.Contains("Workflow hello-world version 1 published", log);

            // No Demo:Password configured: one is generated and printed once; the coordinator can sign in with it.
            const string marker = "Wachtwoord voor alle demo-accounts: ";
            var passwordLine = log.Split('\n').Select(l => l.Trim()).SingleOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
            Assert.True(passwordLine is not null, $"No generated demo password in stdout:\n{log}");
            var password = passwordLine[(passwordLine.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
            using var login = await http.PostAsync($"{url}/api/auth/login", HttpJson.Content(new System.Text.Json.Nodes.JsonObject { ["email"] = "apc@regenboog.test", ["password"] = password }));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var token = (string)System.Text.Json.Nodes.JsonNode.Parse(await login.Content.ReadAsStringAsync())!["accessToken"]!;
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

            var definitions = await http.GetStringAsync($"{url}/elsa/api/workflow-definitions?versionOptions=Published");
            Assert.Contains("\"definitionId\":\"hello-world\"", definitions);
            Assert.Contains("\"definitionId\":\"pestprotocol-regenboog\"", definitions);
        }
        finally
        {
            await host.DisposeAsync();
            output.WriteLine(host.Stdout);
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Demo_data_outside_Development_stops_the_host_with_a_clear_message()
    {
        var workDir = Path.Combine(Path.GetTempPath(), "pestworkflows-host-process", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        var start = HostProcess.CreateStartInfo(workDir, $"http://127.0.0.1:{HostProcess.FreePort()}",
            new Dictionary<string, string> { ["Demo__Enabled"] = "true" }, environmentName: "Production");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { }
            Assert.True(process.HasExited, "The host kept running with Demo:Enabled=true in Production.");
            Assert.NotEqual(0, process.ExitCode);
            var all = await stdout + await stderr;
            Assert.Contains("Demo:Enabled is only allowed in Development", all);
            Assert.DoesNotContain("Wachtwoord voor alle demo-accounts", all);
            Assert.False(File.Exists(Path.Combine(workDir, "data", "pestworkflows.db")), "The database was created before the host refused to start.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { }
        }
    }
}
