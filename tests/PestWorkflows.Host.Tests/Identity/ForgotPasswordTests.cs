using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>Forgot password: a link by email (the local mailbox here), valid once for 30 minutes, the same answer for every address.</summary>
public sealed class ForgotPasswordTests : IAsyncLifetime
{
    private const string NewPassword = "Nieuw-wachtwoord-2!";
    private readonly TempDatabase _database = new();
    private HostApp _app = null!;
    private HttpClient _browser = null!;

    public Task InitializeAsync()
    {
        _app = new HostApp(_database, configureServices: s => s.Configure<WorkflowEngineOptions>(o => o.DispatchOutbox = false));
        _browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private async Task<string> PostFormAsync(string page, params (string Name, string Value)[] fields)
    {
        var form = await _browser.GetStringAsync(page);
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new("__RequestVerificationToken", PageSession.Token(form)));
        var hidden = PageSession.InputValue(form, "Token");
        if (hidden is not null) values = values.Append(new("Token", hidden));
        using var response = await _browser.PostAsync(page, new FormUrlEncodedContent(values));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private async Task<IReadOnlyList<MimeMessage>> MailboxAsync()
    {
        await _app.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
        var folder = Path.Combine(_database.Folder, "mailbox");
        if (!Directory.Exists(folder)) return [];
        return await Task.WhenAll(Directory.GetFiles(folder, "*.eml").Select(f => MimeMessage.LoadAsync(f)));
    }

    private async Task<string> RequestLinkAsync()
    {
        await PostFormAsync("/wachtwoord-vergeten", ("Email", HostApp.Teacher1));
        var mail = Assert.Single(await MailboxAsync());
        return new Uri(Regex.Match(mail.TextBody ?? "", @"https://localhost/wachtwoord-herstellen\?token=[0-9a-f]+").Value).PathAndQuery;
    }

    private async Task<HttpStatusCode> LoginAsync(string password)
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/api/auth/login", HttpJson.Content(new JsonObject { ["email"] = HostApp.Teacher1, ["password"] = password }));
        return response.StatusCode;
    }

    [Fact]
    public async Task The_answer_is_the_same_for_any_address_and_only_an_account_gets_an_email_with_a_link()
    {
        var known = await PostFormAsync("/wachtwoord-vergeten", ("Email", HostApp.Teacher1));
        var unknown = await PostFormAsync("/wachtwoord-vergeten", ("Email", "niemand@regenboog.test"));

        const string answer = "Als er een account met dit e-mailadres is, hebben we er een e-mail naartoe gestuurd";
        Assert.Contains(answer, known);
        Assert.Contains(answer, unknown);
        Assert.Equal(Regex.Replace(known, "value=\"[^\"]*\"", ""), Regex.Replace(unknown, "value=\"[^\"]*\"", ""));
        var mail = Assert.Single(await MailboxAsync());
        Assert.Equal(HostApp.Teacher1, mail.To.Mailboxes.Single().Address);
        Assert.Equal("Nieuw wachtwoord instellen voor PestWorkflows", mail.Subject);
        Assert.Contains("De link werkt één keer en is 30 minuten geldig", mail.TextBody);
        Assert.Matches(@"https://localhost/wachtwoord-herstellen\?token=[0-9a-f]{64}", mail.TextBody);
        Assert.Contains("wachtwoord-herstellen?token=", mail.HtmlBody);
    }

    [Fact]
    public async Task The_link_sets_a_new_password_once()
    {
        var link = await RequestLinkAsync();

        var changed = await PostFormAsync(link, ("NewPassword", NewPassword), ("ConfirmPassword", NewPassword));
        Assert.Contains("Je wachtwoord is gewijzigd", changed);
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(NewPassword));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(HostApp.Password));

        var again = WebUtility.HtmlDecode(await _browser.GetStringAsync(link));
        Assert.Contains("Deze link werkt niet meer", again);
        using var replay = await _browser.PostAsync(link, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", PageSession.Token(await _browser.GetStringAsync("/wachtwoord-vergeten"))),
            new("Token", link.Split("token=")[1]), new("NewPassword", "Nog-een-ander-3!"), new("ConfirmPassword", "Nog-een-ander-3!"),
        ]));
        Assert.Contains("Deze link werkt niet meer", WebUtility.HtmlDecode(await replay.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(NewPassword));
        Assert.Equal(1, await PasswordResetsAuditedAsync()); // the change is in the audit trail, the refused replay is not
    }

    private async Task<long> PasswordResetsAuditedAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_trail WHERE Action = 'account.password.reset' AND ResourceType = 'account'";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_link_older_than_30_minutes_no_longer_works_and_the_password_stays()
    {
        var link = await RequestLinkAsync();
        _app.Clock.Advance(TimeSpan.FromMinutes(31));

        Assert.Contains("Deze link werkt niet meer", WebUtility.HtmlDecode(await _browser.GetStringAsync(link)));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(HostApp.Password));
    }

    [Fact]
    public async Task A_new_password_that_breaks_the_rules_is_refused_and_the_link_still_works()
    {
        var link = await RequestLinkAsync();

        Assert.Contains("Kies een wachtwoord van minimaal 8 tekens", await PostFormAsync(link, ("NewPassword", "kort"), ("ConfirmPassword", "kort")));
        Assert.Contains("Je wachtwoord is gewijzigd", await PostFormAsync(link, ("NewPassword", NewPassword), ("ConfirmPassword", NewPassword)));
    }
}
