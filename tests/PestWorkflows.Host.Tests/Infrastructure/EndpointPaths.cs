using Microsoft.AspNetCore.Routing.Patterns;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>Turns a route pattern into a request path, with ids nobody has.</summary>
public static class EndpointPaths
{
    /// <summary>An endpoint of the HTTP API (<c>/api</c>, <c>/elsa/api</c>, <c>/health</c>), as opposed to a page or a static file.</summary>
    public static bool IsApi(Microsoft.AspNetCore.Routing.RouteEndpoint endpoint) =>
        (endpoint.RoutePattern.RawText ?? "").TrimStart('/') is var path
        && (path.StartsWith("api/", StringComparison.Ordinal) || path.StartsWith("elsa/api", StringComparison.Ordinal) || path == "health");

    /// <summary>The path with every parameter filled with <paramref name="value"/>; null for a catch-all.</summary>
    public static string? Fill(RoutePattern pattern, string value = "bestaat-niet") => Fill(pattern, _ => value);

    /// <summary>The path with each parameter filled by <paramref name="value"/> (given the parameter's name); null for a catch-all.</summary>
    public static string? Fill(RoutePattern pattern, Func<string, string> value)
    {
        if (pattern.Parameters.Any(p => p.IsCatchAll)) return null;
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => value(parameter.Name),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        })));
        return "/" + string.Join('/', segments);
    }
}
