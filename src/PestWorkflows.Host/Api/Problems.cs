using Microsoft.AspNetCore.Mvc;

namespace PestWorkflows.Host.Api;

/// <summary>RFC 7807 problem details with Dutch titles; answer them with <c>TypedResults.Problem</c> so the content type is problem+json.</summary>
public static class Problems
{
    public static ProblemDetails NotFound(string detail) => new() { Status = 404, Title = "Niet gevonden", Detail = detail, Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5" };
    public static ProblemDetails Forbidden(string detail) => new() { Status = 403, Title = "Geen toegang", Detail = detail, Type = "https://tools.ietf.org/html/rfc9110#section-15.5.4" };
    public static ProblemDetails ProtocolUnavailable(string detail) => new() { Status = 503, Title = "Protocol niet beschikbaar", Detail = detail, Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4" };
    public static ProblemDetails Conflict(string detail) => new() { Status = 409, Title = "Conflict", Detail = detail, Type = "https://tools.ietf.org/html/rfc9110#section-15.5.10" };
}
