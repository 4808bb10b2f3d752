using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Security;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>
/// Signing in through the school's identity provider (OpenID Connect) next to the password, against a
/// real provider on a loopback port (<see cref="TestIdentityProvider"/>), through the host over HTTP.
/// </summary>
public sealed class SchoolSignInTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private TestIdentityProvider _provider = null!;
    private readonly List<IAsyncDisposable> _hosts = [];
    private HostApp _app = null!;

    public async Task InitializeAsync() => _provider = await TestIdentityProvider.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        await _provider.DisposeAsync();
        _database.Dispose();
    }

    /// <summary>
    /// The host with the provider configured. The clock starts now: the provider's tokens and the
    /// handler's cookies are dated by the real clock.
    /// </summary>
    private WebApplicationFactory<Program> Host(bool satisfiesTwoFactor = false, bool twoFactorRequired = false)
    {
        var app = new HostApp(_database, clock: new FakeTimeProvider(DateTimeOffset.UtcNow), configureServices: twoFactorRequired
            ? s => s.Configure<TwoFactorOptions>(o => o.RequiredRoles = TwoFactorOptions.DefaultRequiredRoles)
            : null);
        _hosts.Add(app);
        _app = app;
        var configured = app.WithWebHostBuilder(b => b
            .UseSetting("Authentication:Oidc:Authority", _provider.Authority)
            .UseSetting("Authentication:Oidc:ClientId", TestIdentityProvider.ClientId)
            .UseSetting("Authentication:Oidc:ClientSecret", TestIdentityProvider.ClientSecret)
            .UseSetting("Authentication:Oidc:DisplayName", "Inloggen met Microsoft")
            .UseSetting("Authentication:Oidc:SatisfiesTwoFactor", satisfiesTwoFactor ? "true" : "false"));
        _hosts.Add(configured);
        return configured;
    }

    [Fact]
    public async Task A_teacher_signs_in_through_the_school_and_lands_on_her_start_page_with_her_role_and_school()
    {
        var host = Host();
        _provider.NextUser = new ProviderUser("entra-object-id-karin", "Leerkracht1@Regenboog.test");
        using var browser = new ProviderBrowser(host, _provider);

        var (_, signInStatus, signInPage) = await browser.OpenAsync("/zaken");
        Assert.Equal(HttpStatusCode.OK, signInStatus);
        Assert.Contains(">Inloggen met Microsoft</a>", signInPage);

        var (address, status, html) = await browser.OpenAsync(SchoolSignInButton(signInPage));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/zaken", address.AbsolutePath); // where she was going
        Assert.Contains(browser.Visited, v => v.Authority == new Uri(_provider.Authority).Authority); // really through the provider
        Assert.Contains("Afmelden", html);

        var info = await AccountInfoAsync(browser);
        Assert.Equal("leerkracht1@regenboog.test", (string)info["email"]!);
        Assert.Equal("regenboog", (string)info["schoolId"]!);
        Assert.Equal(new[] { "Teacher" }, info["roles"]!.AsArray().Select(r => (string)r!).ToArray());
        var (_, homeStatus, home) = await browser.OpenAsync("/");
        Assert.Equal(HttpStatusCode.OK, homeStatus);
        Assert.Contains("Mijn taken", home);

        // Linked on the first sign-in: the next one finds her by the provider's id, also after her address there changed.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var linked = await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByLoginAsync(SchoolSignIn.Scheme, "entra-object-id-karin");
            Assert.Equal(HostApp.Teacher1, linked?.Email);
        }
        _provider.NextUser = new ProviderUser("entra-object-id-karin", "karin.smit@nieuw-domein.test");
        using var again = new ProviderBrowser(host, _provider);
        var (_, againStatus, _) = await again.OpenAsync(SchoolSignIn.StartPath);
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal(HostApp.Teacher1, (string)(await AccountInfoAsync(again))["email"]!);
    }

    [Fact]
    public async Task An_unknown_email_is_refused_with_a_Dutch_message_and_no_account_is_made()
    {
        var host = Host();
        _provider.NextUser = new ProviderUser("google-sub-1", "invaller@regenboog.test");
        using var browser = new ProviderBrowser(host, _provider);
        int accountsBefore;
        await using (var scope = host.Services.CreateAsyncScope())
            accountsBefore = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().Users.Count();

        var (address, status, html) = await browser.OpenAsync(SchoolSignIn.StartPath);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ExternalSignInModel.Path, address.AbsolutePath);
        Assert.Contains("Er is geen PestWorkflows-account voor invaller@regenboog.test.", WebUtility.HtmlDecode(html));
        Assert.Equal(1, _provider.TokensIssued); // the provider did sign her in; the host said no
        await AssertNotSignedInAsync(browser);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            Assert.Equal(accountsBefore, users.Users.Count());
            Assert.Null(await users.FindByLoginAsync(SchoolSignIn.Scheme, "google-sub-1"));
        }
    }

    [Fact]
    public async Task An_email_the_provider_does_not_mark_as_verified_opens_no_account()
    {
        var host = Host();
        _provider.NextUser = new ProviderUser("sub-unverified", HostApp.Teacher2, EmailVerified: false);
        using var browser = new ProviderBrowser(host, _provider);

        var (_, _, html) = await browser.OpenAsync(SchoolSignIn.StartPath);

        Assert.Contains($"Je school gaf {HostApp.Teacher2} niet door als bevestigd e-mailadres", WebUtility.HtmlDecode(html));
        await AssertNotSignedInAsync(browser);
    }

    [Theory]
    [InlineData(TokenFault.WrongSignature, "Signature validation failed")]
    [InlineData(TokenFault.WrongNonce, "The nonce cannot be validated")]
    public async Task A_token_with_a_wrong_signature_or_nonce_signs_nobody_in(TokenFault fault, string reason)
    {
        var host = Host();
        _provider.NextUser = new ProviderUser("sub-apc", HostApp.Coordinator);
        _provider.Fault = fault;
        using var browser = new ProviderBrowser(host, _provider);

        var (address, status, html) = await browser.OpenAsync(SchoolSignIn.StartPath);

        Assert.Equal(HttpStatusCode.OK, status); // a Dutch page, not a 500
        Assert.Equal(ExternalSignInModel.Path, address.AbsolutePath);
        Assert.Contains("Inloggen via je school is niet gelukt of afgebroken.", html);
        Assert.Equal(1, _provider.TokensIssued);
        var failure = Assert.Single(_app.Log.Entries, e => e.Message.StartsWith("Sign-in through the identity provider failed")).Message;
        Assert.Contains(reason, failure); // refused for that reason, not for another
        await AssertNotSignedInAsync(browser);
        await using var scope = host.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByLoginAsync(SchoolSignIn.Scheme, "sub-apc"));
    }

    [Fact]
    public async Task The_password_sign_in_still_works_beside_the_button()
    {
        var host = Host();
        using var browser = new ProviderBrowser(host, _provider);

        var (address, status, html) = await browser.PostFormAsync("/inloggen?ReturnUrl=%2Fzaken", [new("Email", HostApp.Leader), new("Password", HostApp.Password), new("ReturnUrl", "/zaken")]);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/zaken", address.AbsolutePath);
        Assert.Contains("Afmelden", html);
        Assert.Equal(0, _provider.TokensIssued);
    }

    [Fact]
    public async Task Starting_a_sign_in_through_the_school_counts_against_the_sign_in_rate_limit()
    {
        await using var host = Host().WithWebHostBuilder(b => b.UseSetting("RateLimits:SignIn:PermitLimit", "2"));
        using var browser = new ProviderBrowser(host, _provider);
        for (var i = 0; i < 2; i++)
        {
            using var started = await browser.SendAsync(new Uri("https://localhost" + SchoolSignIn.StartPath));
            Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
            Assert.StartsWith(_provider.Authority + "/authorize?", started.Headers.Location!.OriginalString);
        }
        using var refused = await browser.SendAsync(new Uri("https://localhost" + SchoolSignIn.StartPath));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Te veel verzoeken", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_settings_there_is_no_button_and_no_handler()
    {
        var app = new HostApp(_database);
        _hosts.Add(app);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        var signIn = await client.GetStringAsync("/inloggen");
        Assert.Contains("Wachtwoord", signIn);
        Assert.DoesNotContain("inloggen-school", signIn);
        foreach (var path in new[] { SchoolSignIn.StartPath, SchoolSignIn.CallbackPath + "?code=x&state=y", ExternalSignInModel.Path })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        await using var scope = app.Services.CreateAsyncScope();
        var schemes = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>().GetAllSchemesAsync();
        Assert.DoesNotContain(schemes, s => s.Name == SchoolSignIn.Scheme);
    }

    [Fact]
    public async Task A_coordinator_who_signs_in_through_the_school_still_gives_our_code_when_the_provider_does_not_count_as_two_factor()
    {
        var host = Host(twoFactorRequired: true);
        _provider.NextUser = new ProviderUser("sub-apc", HostApp.Coordinator);

        // Not set up yet: as after a password, nothing but the setup page.
        using (var first = new ProviderBrowser(host, _provider))
        {
            var (address, _, _) = await first.OpenAsync(SchoolSignIn.StartPath + "?ReturnUrl=%2Fzaken");
            Assert.Equal(TwoFactorRequirement.SetupPath, address.AbsolutePath);
        }

        var key = await TurnOnTwoFactorAsync(host, HostApp.Coordinator);
        using var second = new ProviderBrowser(host, _provider);
        var (codePage, _, _) = await second.OpenAsync(SchoolSignIn.StartPath + "?ReturnUrl=%2Fzaken");
        Assert.Equal(SignInCodeModel.Path, codePage.AbsolutePath);
        await AssertNotSignedInAsync(second);
        var (landed, status, _) = await second.PostFormAsync(codePage.PathAndQuery, [new("Code", Totp.Code(key)), new("ReturnUrl", "/zaken")]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/zaken", landed.AbsolutePath);
    }

    [Fact]
    public async Task When_the_provider_counts_as_two_factor_a_coordinator_goes_straight_to_work()
    {
        var host = Host(satisfiesTwoFactor: true, twoFactorRequired: true);
        _provider.NextUser = new ProviderUser("sub-apc", HostApp.Coordinator);
        using var browser = new ProviderBrowser(host, _provider);

        var (address, status, html) = await browser.OpenAsync(SchoolSignIn.StartPath + "?ReturnUrl=%2Fzaken");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("/zaken", address.AbsolutePath);
        Assert.Contains("Ontwerper", html); // the coordinator's navigation

        // The same coordinator with her password is still sent to set up two-factor sign-in.
        using var withPassword = new ProviderBrowser(host, _provider);
        var (passwordLanding, _, _) = await withPassword.PostFormAsync("/inloggen", [new("Email", HostApp.Coordinator), new("Password", HostApp.Password)]);
        Assert.Equal(TwoFactorRequirement.SetupPath, passwordLanding.AbsolutePath);
    }

    private static string SchoolSignInButton(string signInPage) =>
        WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(signInPage, "id=\"inloggen-school\" href=\"([^\"]+)\"").Groups[1].Value);

    private static async Task<JsonObject> AccountInfoAsync(ProviderBrowser browser)
    {
        using var response = await browser.SendAsync(new Uri("https://localhost/api/auth/manage/info"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task AssertNotSignedInAsync(ProviderBrowser browser)
    {
        using var response = await browser.SendAsync(new Uri("https://localhost/api/auth/manage/info"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var (home, _, _) = await browser.OpenAsync("/");
        Assert.Equal(StaffPages.SignInPath, home.AbsolutePath);
    }

    /// <summary>Two-factor sign-in turned on as the setup page does; returns the key the app would hold.</summary>
    private static async Task<string> TurnOnTwoFactorAsync(WebApplicationFactory<Program> host, string email)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }
}
