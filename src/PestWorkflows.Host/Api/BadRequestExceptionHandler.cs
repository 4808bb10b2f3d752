using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace PestWorkflows.Host.Api;

/// <summary>
/// A request the framework could not bind (malformed JSON, a query value of the wrong type, a
/// missing body) is the client's mistake: its own status (400, 413, 415) as problem+json naming the
/// parameter or field, never a 500. Dutch on the staff API, English on the Elsa API (as Elsa).
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
        var english = context.Request.Path.StartsWithSegments("/elsa/api");
        var (field, problem) = Describe(bad, english);
        context.Response.StatusCode = bad.StatusCode;
        var details = bad.StatusCode == StatusCodes.Status400BadRequest
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [problem] })
            : new Microsoft.AspNetCore.Mvc.ProblemDetails();
        details.Status = bad.StatusCode;
        details.Title = (bad.StatusCode, english) switch
        {
            (StatusCodes.Status400BadRequest, true) => "The request is not valid.",
            (StatusCodes.Status400BadRequest, false) => "De aanvraag is ongeldig.",
            (StatusCodes.Status413PayloadTooLarge, true) => "The request body is too large.",
            (StatusCodes.Status413PayloadTooLarge, false) => "De aanvraag is te groot.",
            (_, true) => "The request could not be processed.",
            _ => "De aanvraag kon niet worden verwerkt.",
        };
        details.Detail = problem;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    private static (string Field, string Problem) Describe(BadHttpRequestException bad, bool english)
    {
        if (bad.InnerException is JsonException json)
        {
            var path = json.Path?.TrimStart('$', '.');
            if (!string.IsNullOrEmpty(path) && json.Message.Contains("could not be converted", StringComparison.Ordinal))
                return (path, english ? $"The value of '{path}' has the wrong type." : $"Ongeldige waarde voor '{path}'.");
            var line = (json.LineNumber ?? 0) + 1;
            var position = (json.BytePositionInLine ?? 0) + 1;
            return ("body", english ? $"The body is not valid JSON (line {line}, position {position})." : $"Ongeldige JSON (regel {line}, positie {position}).");
        }
        var parameter = ParameterName().Match(bad.Message) is { Success: true } m ? CamelCase(m.Groups["name"].Value) : null;
        if (bad.Message.Contains("from body", StringComparison.OrdinalIgnoreCase) || bad.Message.Contains("request body", StringComparison.OrdinalIgnoreCase))
            return ("body", english ? "The request needs a JSON body." : "De aanvraag heeft geen (geldige) inhoud.");
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return ("body", english ? "Send the body as application/json." : "Stuur de inhoud als application/json.");
        if (parameter is not null)
            return (parameter, english ? $"The value of '{parameter}' is not valid." : $"Ongeldige waarde voor '{parameter}'.");
        return ("request", english ? "The request is not valid." : "De aanvraag is ongeldig.");
    }

    private static string CamelCase(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    // The framework names the parameter as "Type name" in double quotes, e.g. Failed to bind parameter "bool? Overdue" from "maybe".
    [GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex ParameterName();
}
