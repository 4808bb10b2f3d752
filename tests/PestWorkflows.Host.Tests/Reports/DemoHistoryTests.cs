using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Reports;

/// <summary>What <c>dotnet run</c> shows a coordinator: demo history in last school year and this one, and nothing waiting in the inbox because of it.</summary>
public sealed class DemoHistoryTests
{
    [Fact]
    public async Task A_first_run_has_figures_for_this_year_and_last_year_and_no_task_waits_because_of_them()
    {
        using var database = new TempDatabase();
        await using var app = new HostApp(database);
        await using var host = app.WithWebHostBuilder(b => b.UseSetting("Demo:PastCases", "true"));
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var login = await client.PostJsonAsync("/api/auth/login", new JsonObject { ["email"] = HostApp.Coordinator, ["password"] = HostApp.Password });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);

        var report = await client.GetJsonAsync("/api/reports/annual");
        foreach (var year in new[] { report["current"]!, report["previous"]! })
        {
            var signals = (int)year["signals"]!;
            Assert.True(signals > 0, $"{year["schoolYear"]}: no demo signals");
            Assert.Equal(signals, (int)year["confirmedBullying"]! + (int)year["notBullying"]!);
            Assert.Equal(signals, (int)year["step1Tasks"]!);
            Assert.True((int)year["step1OnTime"]! < signals && (int)year["step1OnTime"]! > 0, "some on time, some late");
            Assert.True((int)year["registeredInEsis"]! > 0);
            Assert.NotEmpty(year["perGroup"]!.AsArray());
        }
        Assert.Empty((await client.GetJsonAsync("/api/tasks")).AsArray());
        Assert.Empty((await client.GetJsonAsync("/api/tasks?view=all")).AsArray());
    }
}
