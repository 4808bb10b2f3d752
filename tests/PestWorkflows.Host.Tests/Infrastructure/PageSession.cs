using System.Net;
using System.Text.RegularExpressions;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>
/// A person using the server-rendered pages over real HTTP: signed in through <c>/inloggen</c>
/// (the Identity cookie, Secure: hence https), posting forms with the anti-forgery token the page rendered.
/// </summary>
public sealed partial class PageSession : IDisposable
{
    private readonly HttpClient _client;

    private PageSession(HttpClient client) => _client = client;

    public static async Task<PageSession> SignInAsync(HostApp app, string email)
    {
        var session = new PageSession(app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") }));
        using var signedIn = await session.PostFormAsync("/inloggen", "/inloggen", [new("Email", email), new("Password", HostApp.Password)]);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign in as {email}: {(int)signedIn.StatusCode}");
        return session;
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts a form to <paramref name="action"/> with the anti-forgery token of the page at <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var (_, html) = await GetAsync(formPage);
        return await PostFormWithTokenAsync(action, Token(html), fields);
    }

    public async Task<HttpResponseMessage> PostFormWithTokenAsync(string action, string token, IEnumerable<KeyValuePair<string, string>> fields) =>
        await _client.PostAsync(action, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));

    /// <summary>Posts a multipart form (as a browser sends a form with a file input) with the given anti-forgery token.</summary>
    public async Task<HttpResponseMessage> PostMultipartWithTokenAsync(string action, string token, IEnumerable<KeyValuePair<string, string>> fields,
        IEnumerable<(string Name, string FileName, string ContentType, byte[] Content)> files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields.Append(new("__RequestVerificationToken", token))) form.Add(new StringContent(value), name);
        foreach (var file in files)
        {
            var part = new ByteArrayContent(file.Content);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(file.ContentType);
            form.Add(part, file.Name, file.FileName);
        }
        return await _client.PostAsync(action, form);
    }

    /// <summary>A GET whose response (headers and body) the caller reads and disposes.</summary>
    public Task<HttpResponseMessage> SendGetAsync(string url) => _client.GetAsync(url);

    public static string Token(string html) => TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no anti-forgery token on the page");

    /// <summary>The value of a hidden or text input, by its name.</summary>
    public static string? InputValue(string html, string name) =>
        Regex.Match(html, $"<input[^>]*name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => _client.Dispose();
}
