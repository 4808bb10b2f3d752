using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PestWorkflows.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests;

/// <summary>
/// The built host killed (SIGKILL) while teachers report signals, then started again on the same
/// database: every signal that was acknowledged is a case with a running protocol, and no case is
/// half-made.
/// </summary>
public sealed class HostCrashTests(ITestOutputHelper output)
{
    private const string Password = "Crash-test-wachtwoord-1!";
    private const int Reporters = 8;
    private const int AcknowledgedBeforeKill = 40;

    [Fact]
    public async Task After_kill_9_while_signals_are_reported_every_acknowledged_signal_is_a_case_with_a_running_protocol()
    {
        var workDir = Path.Combine(Path.GetTempPath(), "pestworkflows-host-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        var environment = new Dictionary<string, string> { ["Demo__Password"] = Password };
        var acknowledged = new ConcurrentBag<string>();
        try
        {
            await using (var host = await HostProcess.StartAsync(workDir, environment))
            {
                var tokens = new List<string>();
                foreach (var email in new[] { "leerkracht1@regenboog.test", "leerkracht2@regenboog.test" })
                    tokens.Add(await LoginAsync(host.Url, email));

                using var stop = new CancellationTokenSource();
                var reporters = Enumerable.Range(0, Reporters).Select(i => Task.Run(async () =>
                {
                    using var http = Client(host.Url, tokens[i % tokens.Count]);
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            using var response = await http.PostAsync("/api/cases", HttpJson.Content(Signal(i)));
                            if (response.StatusCode == HttpStatusCode.Created)
                                acknowledged.Add((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!);
                        }
                        catch (HttpRequestException) { return; } // the host is gone
                        catch (TaskCanceledException) { return; }
                    }
                })).ToList();

                while (acknowledged.Count < AcknowledgedBeforeKill && reporters.Any(r => !r.IsCompleted))
                    await Task.Delay(20);
                // Requests are in flight in every stage of reporting at this moment.
                await host.KillAsync();
                stop.Cancel();
                await Task.WhenAll(reporters);
                output.WriteLine($"acknowledged before the kill: {acknowledged.Count}");
            }
            SqliteConnection.ClearAllPools();

            await using (var host = await HostProcess.StartAsync(workDir, environment))
            {
                using var coordinator = Client(host.Url, await LoginAsync(host.Url, "apc@regenboog.test"));
                var cases = (await coordinator.GetJsonAsync("/api/cases?pageSize=200")).AsArray().Select(c => c!.AsObject()).ToList();
                output.WriteLine($"cases after restart: {cases.Count}");

                var stored = cases.Select(c => (string)c["id"]!).ToHashSet();
                var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
                Assert.True(lost.Count == 0, $"{lost.Count} acknowledged signals are not stored: {string.Join(", ", lost)}");

                // Every stored case (acknowledged or caught by the kill after its commit) runs its protocol:
                // step 1 with its task at the coordinator.
                foreach (var summary in cases)
                {
                    var @case = (await coordinator.GetJsonAsync($"/api/cases/{(string)summary["id"]!}")).AsObject();
                    Assert.True((int)@case["currentStep"]! == 1 && @case["openTasks"]!.AsArray().Count == 1,
                        $"case {(string)summary["id"]!} is half-made: step {(int)@case["currentStep"]!}, '{(string?)@case["currentStepTitle"]}', {@case["openTasks"]!.AsArray().Count} open tasks");
                    var instance = await coordinator.GetJsonAsync($"/elsa/api/workflow-instances/{(string)@case["workflowInstanceId"]!}");
                    Assert.Equal("Running", (string?)(instance["workflowState"]?["status"] ?? instance["status"]));
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { }
        }
    }

    private static HttpClient Client(string url, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<string> LoginAsync(string url, string email)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var response = await http.PostJsonAsync("/api/auth/login", new JsonObject { ["email"] = email, ["password"] = Password });
        return (string)response["accessToken"]!;
    }

    private static JsonObject Signal(int reporter) => new()
    {
        ["description"] = $"Melding {reporter}: een leerling wordt in de pauze uitgescholden.",
        ["observedAt"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("O"),
        ["location"] = "Schoolplein",
        ["boundaryCrossed"] = true,
        ["pupils"] = new JsonArray(new JsonObject { ["pupilId"] = "rb-033", ["role"] = "Bullied" }, new JsonObject { ["pupilId"] = $"rb-0{40 + reporter}", ["role"] = "Follower" }),
    };
}
