using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Audit;

/// <summary>
/// The audit trail over real HTTP on a real SQLite file: every change and every read of a dossier, a
/// pupil's record, a document or a case's emails leaves one line with ids only; the coordinator and the
/// leader read a case's lines; nobody, not even SQL on the file, changes or removes one.
/// </summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    /// <summary>A documentation address (TEST-NET-1): never contacted, only recorded.</summary>
    private static readonly System.Net.IPAddress Client = System.Net.IPAddress.Parse("192.0.2.44");

    private readonly SchoolApp _s = new(configureServices: services =>
        services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new FixedClientAddress(Client)));

    public async Task InitializeAsync() => await _s.As(HostApp.Teacher1); // starts the host: migrations and demo data
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<string> ReportAsync() =>
        (string)(await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal(("rb-033", "Bullied"), ("rb-038", "Bully"))))["id"]!;

    private async Task<Dictionary<string, string>> UserIdsAsync()
    {
        await using var connection = new SqliteConnection(_s.App.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Email, Id FROM AspNetUsers";
        var ids = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids[reader.GetString(0)] = reader.GetString(1);
        return ids;
    }

    private async Task<List<(string Action, string? UserId, string? SchoolId, string? CaseId, string Type, string ResourceId, string? Address)>> RowsAsync(string where = "1 = 1")
    {
        await using var connection = new SqliteConnection(_s.App.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT Action, UserId, SchoolId, CaseId, ResourceType, ResourceId, ClientAddress FROM audit_trail WHERE {where} ORDER BY Id";
        var rows = new List<(string, string?, string?, string?, string, string, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), Text(1), Text(2), Text(3), reader.GetString(4), reader.GetString(5), Text(6)));
        return rows;
    }

    [Fact]
    public async Task A_protocol_run_over_http_leaves_exactly_its_changes_and_reads_in_the_case_audit_in_order()
    {
        var users = await UserIdsAsync();
        var caseId = await ReportAsync();
        await _s.UpToMonitoringAsync(caseId);
        // The leader hands the ESIS task to the coordinator, who claims nothing (it is theirs now) and reads the dossier.
        var all = (await (await _s.As(HostApp.Leader)).GetJsonAsync($"/api/tasks?caseId={caseId}&view=all")).AsArray();
        var esis = all.Single(t => (string?)t!["activityType"] == "Pestprotocol.RegisterInEsis")!;
        var assigned = await _s.SendAsync(HostApp.Leader, HttpMethod.Post, $"/api/tasks/{(string)esis["id"]!}/assign",
            new JsonObject { ["userId"] = users[HostApp.Coordinator], ["reason"] = "Karin is ziek." });
        Assert.True((int)assigned.Status < 300, assigned.Text);
        await _s.CaseAsync(HostApp.Coordinator, caseId);

        var audit = (await (await _s.As(HostApp.Leader)).GetJsonAsync($"/api/cases/{caseId}/audit")).AsArray();
        var lines = audit.Select(a => ((string)a!["action"]!, (string?)a["by"]?["id"], (string)a["resourceType"]!)).ToList();
        (string, string?, string)[] expected =
        [
            ("signal.reported", users[HostApp.Teacher1], "case"),
            ("task.completed", users[HostApp.Coordinator], "task"), // step 1
            ("task.completed", users[HostApp.Coordinator], "task"), // step 2
            ("task.completed", users[HostApp.Teacher1], "task"),    // step 3
            ("task.completed", users[HostApp.Coordinator], "task"), // step 4
            ("task.completed", users[HostApp.Teacher2], "task"),    // step 5a
            ("task.completed", users[HostApp.Coordinator], "task"), // step 5b
            ("task.assigned", users[HostApp.Leader], "task"),
            ("case.viewed", users[HostApp.Coordinator], "case"),
        ];
        Assert.Equal(expected, lines);
        Assert.Equal((string)esis["id"]!, (string)audit[7]!["resourceId"]!);
        // Names are looked up when the audit is read; the row holds the id.
        Assert.Equal("Marieke Bos", (string)audit[7]!["by"]!["name"]!);

        // Reading the audit is itself on it; the stored rows hold ids only, of this school.
        var again = (await (await _s.As(HostApp.Leader)).GetJsonAsync($"/api/cases/{caseId}/audit")).AsArray();
        Assert.Equal("case.audit.viewed", (string)again[^1]!["action"]!);
        var rows = await RowsAsync($"CaseId = '{caseId}'");
        Assert.All(rows, r => Assert.Equal("regenboog", r.SchoolId));
        Assert.All(rows, r => Assert.Equal(Client.ToString(), r.Address));
        Assert.All(rows, r => Assert.True(users.ContainsValue(r.UserId!), $"{r.Action} by {r.UserId}"));
    }

    [Fact]
    public async Task Reading_a_dossier_a_pupils_record_and_a_cases_emails_is_recorded_with_who_and_what()
    {
        var users = await UserIdsAsync();
        var caseId = await ReportAsync();
        Assert.Empty(await RowsAsync("Action LIKE '%viewed'"));

        await (await _s.As(HostApp.Teacher1)).GetJsonAsync($"/api/cases/{caseId}");
        await (await _s.As(HostApp.Coordinator)).GetJsonAsync("/api/pupils/rb-038/cases");
        await (await _s.As(HostApp.Leader)).GetJsonAsync($"/api/cases/{caseId}/emails");
        using (var page = await PageSession.SignInAsync(_s.App, HostApp.Coordinator))
        {
            Assert.Equal(HttpStatusCode.OK, (await page.GetAsync($"/zaken/{caseId}")).Status);
            Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/leerlingen/rb-033")).Status);
        }
        // A refused read is no read: nothing is recorded for it.
        Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(HostApp.OtherCoordinator, HttpMethod.Get, $"/api/cases/{caseId}")).Status);

        var reads = await RowsAsync("Action LIKE '%viewed'");
        Assert.Equal(
        [
            ("case.viewed", users[HostApp.Teacher1], "case", caseId),
            ("pupil.record.viewed", users[HostApp.Coordinator], "pupil", "rb-038"),
            ("case.emails.viewed", users[HostApp.Leader], "case", caseId),
            ("case.viewed", users[HostApp.Coordinator], "case", caseId),
            ("pupil.record.viewed", users[HostApp.Coordinator], "pupil", "rb-033"),
        ], reads.Select(r => (r.Action, r.UserId, r.Type, r.ResourceId)).ToList());
        Assert.All(reads, r => Assert.Equal("regenboog", r.SchoolId));
        Assert.All(reads, r => Assert.Equal(Client.ToString(), r.Address));
    }

    [Fact]
    public async Task Only_the_coordinator_and_the_leader_see_a_cases_audit_everyone_else_gets_404()
    {
        var caseId = await ReportAsync();
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Coordinator, HttpMethod.Get, $"/api/cases/{caseId}/audit")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _s.SendAsync(HostApp.Leader, HttpMethod.Get, $"/api/cases/{caseId}/audit")).Status);
        // The reporter sees the case, but not who else read it.
        foreach (var email in new[] { HostApp.Teacher1, HostApp.Teacher2, HostApp.Admin, HostApp.OtherCoordinator })
            Assert.Equal(HttpStatusCode.NotFound, (await _s.SendAsync(email, HttpMethod.Get, $"/api/cases/{caseId}/audit")).Status);

        using var teacher = await PageSession.SignInAsync(_s.App, HostApp.Teacher1);
        var (status, dossier) = await teacher.GetAsync($"/zaken/{caseId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("logboek-link", dossier);
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync($"/zaken/{caseId}/audit")).Status);

        using var leader = await PageSession.SignInAsync(_s.App, HostApp.Leader);
        Assert.Contains("logboek-link", (await leader.GetAsync($"/zaken/{caseId}")).Html);
        var (auditStatus, audit) = await leader.GetAsync($"/zaken/{caseId}/audit");
        Assert.Equal(HttpStatusCode.OK, auditStatus);
        Assert.Contains("Signaal gemeld", audit);
        Assert.Contains("Dossier bekeken", audit);
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_remove_an_audit_line()
    {
        var caseId = await ReportAsync();
        var before = await RowsAsync();
        Assert.NotEmpty(before);

        await using var connection = new SqliteConnection(_s.App.Database.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { "UPDATE audit_trail SET UserId = 'iemand-anders'", "DELETE FROM audit_trail", $"DELETE FROM audit_trail WHERE CaseId = '{caseId}'" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var refused = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.Message);
        }
        Assert.Equal(before, await RowsAsync());
    }
}
