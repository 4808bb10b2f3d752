using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace PestWorkflows.Host.Security;

/// <summary>
/// A reverse proxy in front of the host (TLS ends there): <c>ForwardedHeaders:KnownProxies</c> (addresses)
/// and <c>ForwardedHeaders:KnownNetworks</c> (CIDR, e.g. <c>10.0.0.0/24</c>), comma-separated. Only from
/// those does the host take <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> (the client's address for
/// rate limits, https for cookies and redirects); without them the headers are ignored, so nobody can
/// claim another address by sending one.
/// </summary>
public static class ProxySettings
{
    public static IServiceCollection AddProxySettings(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Split(configuration["ForwardedHeaders:KnownProxies"]).Select(ParseAddress).ToList();
        var networks = Split(configuration["ForwardedHeaders:KnownNetworks"]).Select(ParseNetwork).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; here only what is configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
        return services;
    }

    /// <summary>Only when a proxy is configured: with both lists empty the middleware would believe anyone.</summary>
    public static IApplicationBuilder UseProxySettings(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0)
            app.UseForwardedHeaders();
        return app;
    }

    private static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var address) ? address
            : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies has '{text}', which is no IP address.");

    private static System.Net.IPNetwork ParseNetwork(string text) =>
        System.Net.IPNetwork.TryParse(text, out var network) ? network
            : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks has '{text}', which is no network in CIDR notation (e.g. 10.0.0.0/24).");
}
