using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Security;

/// <summary>
/// Two-factor sign-in with an authenticator app, required for coordinator, leader and admin (the
/// product's default, which the other tests turn off): set up on the page, asked for after the
/// password on the page and in the API, recovery codes once each.
/// </summary>
public sealed partial class TwoFactorTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private HostApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new HostApp(_database, configureServices: s => s.Configure<TwoFactorOptions>(o => o.RequiredRoles = TwoFactorOptions.DefaultRequiredRoles));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_coordinator_without_two_factor_can_do_nothing_but_set_it_up_and_then_signs_in_with_a_code()
    {
        using var first = await PageSession.SignInAsync(_app, HostApp.Coordinator);
        foreach (var page in new[] { "/", "/zaken", "/designer/" })
        {
            using var blocked = await first.SendGetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
            Assert.Equal(TwoFactorRequirement.SetupPath, blocked.Headers.Location!.OriginalString);
        }
        var (status, setup) = await first.GetAsync(TwoFactorRequirement.SetupPath);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("verplicht", setup);
        var key = SharedKey(setup);
        Assert.Matches("^([a-z2-7]{4} )+[a-z2-7]{1,4}$", key);
        Assert.Contains("otpauth://totp/PestWorkflows:apc%40regenboog.test?secret=", WebUtility.HtmlDecode(setup));
        Assert.Contains("src=\"data:image/png;base64,", setup);

        var wrong = await PostSetupAsync(first, OtherCode(Totp.Code(key)));
        Assert.Contains("Deze code klopt niet", wrong);
        using (var stillBlocked = await first.SendGetAsync("/")) Assert.Equal(HttpStatusCode.Redirect, stillBlocked.StatusCode);

        var done = await PostSetupAsync(first, Totp.Code(key));
        var codes = RecoveryCodes(done);
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        var (home, _) = await first.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home); // the session goes on after turning it on
        var (again, shownAgain) = await first.GetAsync(TwoFactorRequirement.SetupPath);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.DoesNotContain(codes[0], shownAgain); // shown once

        // Next sign-in: the password alone is not enough.
        using var second = await PageSession.SignInAsync(_app, HostApp.Coordinator);
        using (var codePage = await second.SendGetAsync("/")) Assert.Contains("/inloggen", codePage.Headers.Location!.OriginalString);
        using (var wrongCode = await second.PostFormAsync(SignInCodeModel.Path, SignInCodeModel.Path, [new("Code", OtherCode(Totp.Code(key))), new("ReturnUrl", "/zaken")]))
            Assert.Contains("Deze code klopt niet", await wrongCode.Content.ReadAsStringAsync());
        using (var signedIn = await second.PostFormAsync(SignInCodeModel.Path, SignInCodeModel.Path, [new("Code", Totp.Code(key)), new("ReturnUrl", "/zaken")]))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.Equal("/zaken", signedIn.Headers.Location!.OriginalString);
        }
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/zaken")).Status);

        // A recovery code instead of the app's code, once.
        using var third = await PageSession.SignInAsync(_app, HostApp.Coordinator);
        using (var recovered = await third.PostFormAsync(SignInCodeModel.Path, SignInCodeModel.Path, [new("RecoveryCode", codes[3])]))
            Assert.Equal("/", recovered.Headers.Location!.OriginalString);
        using var fourth = await PageSession.SignInAsync(_app, HostApp.Coordinator);
        using (var reused = await fourth.PostFormAsync(SignInCodeModel.Path, SignInCodeModel.Path, [new("RecoveryCode", codes[3])]))
        {
            Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
            Assert.Contains("al gebruikt", await reused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_api_login_asks_for_the_code_or_a_recovery_code_once_two_factor_is_required()
    {
        using var api = _app.CreateClient();
        var refused = await LoginAsync(api, HostApp.Leader);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Contains(TwoFactorRequirement.SetupPath, (string)refused.Body["detail"]!);

        // A teacher may, but need not.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(api, HostApp.Teacher1)).Status);

        using var page = await PageSession.SignInAsync(_app, HostApp.Leader);
        var key = SharedKey((await page.GetAsync(TwoFactorRequirement.SetupPath)).Html);
        var codes = RecoveryCodes(await PostSetupAsync(page, Totp.Code(key)));

        var missing = await LoginAsync(api, HostApp.Leader);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("Code nodig", (string)missing.Body["title"]!);
        Assert.Contains("twoFactorCode", (string)missing.Body["detail"]!);
        var wrong = await LoginAsync(api, HostApp.Leader, twoFactorCode: OtherCode(Totp.Code(key)));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("klopt niet", (string)wrong.Body["detail"]!);
        Assert.Null(wrong.Body["accessToken"]);

        var withCode = await LoginAsync(api, HostApp.Leader, twoFactorCode: Totp.Code(key));
        Assert.Equal(HttpStatusCode.OK, withCode.Status);
        using var signedIn = _app.CreateClient();
        signedIn.DefaultRequestHeaders.Authorization = new("Bearer", (string)withCode.Body["accessToken"]!);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/cases")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(api, HostApp.Leader, recoveryCode: codes[0])).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(api, HostApp.Leader, recoveryCode: codes[0])).Status);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(api, HostApp.Leader, recoveryCode: codes[1])).Status);
    }

    [Fact]
    public async Task A_token_of_a_person_whose_role_now_requires_two_factor_only_reaches_the_setup()
    {
        // Signed in as admin while the requirement was off elsewhere: the requirement counts from the next request.
        await using var host = new HostApp(_database);
        using var client = await host.LoginAsync(HostApp.Admin);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases")).StatusCode);
        await host.DisposeAsync();

        using var later = _app.CreateClient();
        later.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        using var blocked = await later.GetAsync("/api/cases");
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Contains(TwoFactorRequirement.SetupPath, await blocked.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, JsonObject Body)> LoginAsync(HttpClient api, string email,
        string? twoFactorCode = null, string? recoveryCode = null)
    {
        var body = new JsonObject { ["email"] = email, ["password"] = HostApp.Password };
        if (twoFactorCode is not null) body["twoFactorCode"] = twoFactorCode;
        if (recoveryCode is not null) body["recoveryCode"] = recoveryCode;
        using var response = await api.PostAsync("/api/auth/login", HttpJson.Content(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, JsonNode.Parse(text)!.AsObject());
    }

    private static async Task<string> PostSetupAsync(PageSession session, string code)
    {
        using var response = await session.PostFormAsync(TwoFactorRequirement.SetupPath, TwoFactorRequirement.SetupPath, [new("Code", code)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A code that is not the right one (the right one plus one).</summary>
    private static string OtherCode(string code) => ((int.Parse(code) + 1) % 1_000_000).ToString("D6");

    private static string SharedKey(string html) => KeyPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no key on the page");

    private static List<string> RecoveryCodes(string html)
    {
        var list = Regex.Match(html, "<ul class=\"recovery-codes\" id=\"herstelcodes\">(.*?)</ul>", RegexOptions.Singleline);
        Assert.True(list.Success, "no recovery codes on the page");
        return Regex.Matches(list.Groups[1].Value, "<code>([^<]+)</code>").Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex("<code id=\"sleutel\">([^<]+)</code>")]
    private static partial Regex KeyPattern();
}
