using Microsoft.AspNetCore.WebUtilities;

namespace PestWorkflows.Host.Api;

/// <summary>
/// The framework's own problem titles ("Unauthorized", "One or more validation errors occurred.")
/// in Dutch on the staff API; a title a handler chose is kept. The Elsa API stays English, as Elsa.
/// </summary>
public static class ProblemTitles
{
    private static readonly HashSet<string> FrameworkTitles =
        ["An error occurred while processing your request.", "One or more validation errors occurred."];

    public static void ToDutchOnStaffApi(ProblemDetailsContext context)
    {
        if (context.HttpContext.Request.Path.StartsWithSegments("/elsa/api")) return;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        if (problem.Title is { } title && title != ReasonPhrases.GetReasonPhrase(status) && !FrameworkTitles.Contains(title)) return;
        (problem.Title, var detail) = status switch
        {
            StatusCodes.Status400BadRequest => ("De aanvraag is ongeldig.", null),
            StatusCodes.Status401Unauthorized => ("Niet ingelogd", "Log in om verder te gaan."),
            StatusCodes.Status403Forbidden => ("Geen toegang", "Je account heeft hier geen toegang toe."),
            StatusCodes.Status404NotFound => ("Niet gevonden", null),
            StatusCodes.Status405MethodNotAllowed => ("Deze methode kan hier niet", null),
            StatusCodes.Status409Conflict => ("Conflict", null),
            StatusCodes.Status413PayloadTooLarge => ("De aanvraag is te groot.", null),
            StatusCodes.Status415UnsupportedMediaType => ("Stuur de inhoud als application/json.", null),
            >= 500 => ("Er ging iets mis; probeer het later opnieuw.", null),
            _ => (problem.Title, null),
        };
        problem.Detail ??= detail;
    }
}
