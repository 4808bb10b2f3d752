using Microsoft.AspNetCore.Routing.Patterns;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>Turns a route pattern into a request path, with ids nobody has.</summary>
public static class EndpointPaths
{
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
