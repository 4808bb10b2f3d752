using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>
/// A minimal OpenID Connect provider on Kestrel at a loopback port, standing in for Entra ID or Google
/// Workspace: discovery document, JWKS with one RSA key, an authorize endpoint that signs in
/// <see cref="NextUser"/> at once and redirects back with a code, and a token endpoint that checks the
/// client, the redirect URI and PKCE and issues an RS256 id_token with the request's nonce.
/// <see cref="Fault"/> makes it misbehave the way an attacker's token would.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "pestworkflows-test";
    public const string ClientSecret = "test-client-secret";
    private const string KeyId = "test-key-1";

    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _strangerKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _grants = new();

    private TestIdentityProvider(WebApplication app) => _app = app;

    /// <summary>The issuer, e.g. http://127.0.0.1:41234.</summary>
    public string Authority { get; private set; } = "";

    /// <summary>Who the provider signs in at the next authorize request.</summary>
    public ProviderUser NextUser { get; set; } = new("sub-0", "nobody@example.test");

    public TokenFault Fault { get; set; }

    /// <summary>
    /// Shows a page with a button before going back, as a real provider's sign-in page: the way back is
    /// then a navigation the provider's site starts, which is what a browser's SameSite rules judge.
    /// </summary>
    public bool ShowsSignInPage { get; set; }

    /// <summary>Tokens issued (a code exchanged), to tell "refused by the host" from "never got that far".</summary>
    public int TokensIssued => _tokensIssued;
    private int _tokensIssued;

    /// <param name="hostName">The name in its addresses: "localhost" makes it another site than a host at 127.0.0.1, as a real provider is to a browser.</param>
    public static async Task<TestIdentityProvider> StartAsync(string hostName = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var provider = new TestIdentityProvider(builder.Build());
        provider.Map();
        await provider._app.StartAsync();
        var bound = new Uri(provider._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        provider.Authority = $"http://{hostName}:{bound.Port}";
        return provider;
    }

    private void Map()
    {
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new JsonObject
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = Authority + "/authorize",
            ["token_endpoint"] = Authority + "/token",
            ["jwks_uri"] = Authority + "/jwks",
            ["response_types_supported"] = new JsonArray("code"),
            ["response_modes_supported"] = new JsonArray("query"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "client_secret_basic"),
        }));
        _app.MapGet("/jwks", () =>
        {
            var parameters = _key.ExportParameters(false);
            return Results.Json(new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = KeyId,
                    ["n"] = Base64Url(parameters.Modulus!), ["e"] = Base64Url(parameters.Exponent!),
                }),
            });
        });
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
                || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["redirect_uri"]) || !q["scope"].ToString().Split(' ').Contains("openid"))
                return Results.BadRequest("invalid_request");
            var code = Base64Url(RandomNumberGenerator.GetBytes(32));
            _grants[code] = new Grant(NextUser, q["redirect_uri"]!, q["code_challenge"]!, q["nonce"].ToString());
            var back = $"{q["redirect_uri"]}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(q["state"].ToString())}";
            if (!ShowsSignInPage) return Results.Redirect(back);
            var html = $"<!DOCTYPE html><html><head><link rel=\"icon\" href=\"data:,\" /></head><body><form method=\"post\" action=\"/authorize/confirm\"><input type=\"hidden\" name=\"back\" value=\"{System.Net.WebUtility.HtmlEncode(back)}\" /><button type=\"submit\">Aanmelden bij de school</button></form></body></html>";
            return Results.Content(html, "text/html");
        });
        // Only ever sends back to an address the authorize request registered a code for.
        _app.MapPost("/authorize/confirm", async (HttpRequest request) =>
        {
            var back = (await request.ReadFormAsync())["back"].ToString();
            var code = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(back).Query)["code"].ToString();
            return _grants.TryGetValue(code, out var grant) && back.StartsWith(grant.RedirectUri + "?", StringComparison.Ordinal)
                ? Results.Redirect(back) : Results.BadRequest();
        }).DisableAntiforgery();
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret) return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            if (form["grant_type"] != "authorization_code" || !_grants.TryRemove(form["code"].ToString(), out var grant) || form["redirect_uri"] != grant.RedirectUri)
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            if (Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.CodeChallenge)
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE" }, statusCode: 400);
            Interlocked.Increment(ref _tokensIssued);
            return Results.Json(new JsonObject
            {
                ["access_token"] = Base64Url(RandomNumberGenerator.GetBytes(32)),
                ["token_type"] = "Bearer",
                ["expires_in"] = 3600,
                ["id_token"] = IdToken(grant),
            });
        });
    }

    private string IdToken(Grant grant)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["iss"] = Authority,
            ["sub"] = grant.User.Subject,
            ["aud"] = ClientId,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 3600,
            ["nonce"] = Fault == TokenFault.WrongNonce ? "a-nonce-from-another-sign-in" : grant.Nonce,
            ["email"] = grant.User.Email,
            ["email_verified"] = grant.User.EmailVerified,
            ["name"] = "Naam bij de school",
        };
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = KeyId, ["typ"] = "JWT" };
        var signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload));
        // Same key id, another key: what a forged token looks like to the host.
        var key = Fault == TokenFault.WrongSignature ? _strangerKey : _key;
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Dispose();
        _strangerKey.Dispose();
    }

    private sealed record Grant(ProviderUser User, string RedirectUri, string CodeChallenge, string Nonce);
}
