using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>
/// A browser that goes back and forth between the host (its test server, at https://localhost) and
/// <see cref="TestIdentityProvider"/> (real HTTP on loopback): one cookie jar for both, redirects followed
/// by hand, and a page's meta refresh followed as a browser does.
/// </summary>
public sealed partial class ProviderBrowser : IDisposable
{
    private static readonly Uri HostBase = new("https://localhost");
    private readonly HttpClient _host;
    private readonly HttpClient _provider = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false });
    private readonly Uri _providerBase;

    public ProviderBrowser(WebApplicationFactory<Program> host, TestIdentityProvider provider)
    {
        _host = new HttpClient(host.Server.CreateHandler()) { BaseAddress = HostBase };
        _providerBase = new Uri(provider.Authority);
    }

    public CookieContainer Cookies { get; } = new();

    /// <summary>Every address visited, in order (redirects and refreshes included).</summary>
    public List<Uri> Visited { get; } = [];

    /// <summary>Opens <paramref name="url"/> and follows redirects and meta refreshes to the page where it stops.</summary>
    public async Task<(Uri Address, HttpStatusCode Status, string Html)> OpenAsync(string url)
    {
        var address = new Uri(HostBase, url);
        for (var hops = 0; hops < 20; hops++)
        {
            Visited.Add(address);
            using var response = await SendAsync(address);
            var html = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                address = new Uri(address, location);
                continue;
            }
            if (MetaRefresh().Match(html) is { Success: true } refresh)
            {
                address = new Uri(address, WebUtility.HtmlDecode(refresh.Groups[1].Value));
                continue;
            }
            return (address, response.StatusCode, html);
        }
        throw new InvalidOperationException("more than 20 redirects: " + string.Join(" -> ", Visited));
    }

    /// <summary>One request with this browser's cookies, without following anything.</summary>
    public async Task<HttpResponseMessage> SendAsync(Uri address, HttpContent? form = null)
    {
        var toProvider = address.Authority == _providerBase.Authority && address.Scheme == _providerBase.Scheme;
        using var request = new HttpRequestMessage(form is null ? HttpMethod.Get : HttpMethod.Post, address) { Content = form };
        var cookies = Cookies.GetCookieHeader(address);
        if (cookies.Length > 0) request.Headers.Add("Cookie", cookies);
        var response = await (toProvider ? _provider : _host).SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var setCookie in setCookies) Cookies.SetCookies(address, setCookie);
        return response;
    }

    /// <summary>Posts a form of a page of the host with the anti-forgery token it rendered, and follows where it leads.</summary>
    public async Task<(Uri Address, HttpStatusCode Status, string Html)> PostFormAsync(string page, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var (address, _, html) = await OpenAsync(page);
        var token = Infrastructure.PageSession.Token(html);
        using var response = await SendAsync(address, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));
        if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            return await OpenAsync(new Uri(address, location).ToString());
        return (address, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"")]
    private static partial Regex MetaRefresh();

    public void Dispose()
    {
        _host.Dispose();
        _provider.Dispose();
    }
}
