using Microsoft.AspNetCore.Http.HttpResults;

namespace PestWorkflows.Host.Designer;

/// <summary>The problem details every Elsa API handler answers with (<c>application/problem+json</c>).</summary>
public static class ElsaProblems
{
    public const string InvalidDefinitionTitle = "The workflow definition is not valid.";

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult DefinitionNotFound(string? definitionId) =>
        NotFound("Workflow definition not found", $"Workflow definition '{definitionId}' does not exist.");

    public static ProblemHttpResult InstanceNotFound(string instanceId) =>
        NotFound("Workflow instance not found", $"Workflow instance '{instanceId}' does not exist.");

    public static ProblemHttpResult Forbidden(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: title);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);

    public static ValidationProblem Invalid(string key, string problem) => Invalid(key, [problem]);

    public static ValidationProblem Invalid(string key, IReadOnlyList<string> problems, string title = "The request is not valid.") =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [key] = problems.ToArray() }, detail: string.Join(" ", problems), title: title);

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors, string title) =>
        TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(v => v)), title: title);

    /// <summary>The answer when a designer may not change a definition id; null when they may.</summary>
    public static ProblemHttpResult? Refuse(DefinitionChange change, string? definitionId) => change switch
    {
        DefinitionChange.NotFound => DefinitionNotFound(definitionId),
        DefinitionChange.Shared => Forbidden("Gedeelde workflow is alleen-lezen",
            $"'{definitionId}' wordt door alle scholen gedeeld en kan niet worden gewijzigd, gepubliceerd of verwijderd. " +
            "Maak een eigen kopie met een nieuwe naam, of wijzig het pestprotocol van je school."),
        DefinitionChange.Reserved => Forbidden("Naam is gereserveerd",
            $"Workflow-id's die beginnen met '{Schools.SchoolProtocols.CopyPrefix}' zijn voor het pestprotocol van een school; " +
            "alleen het protocol van je eigen school mag zo heten. Kies een andere id."),
        _ => null,
    };

    public static ListResponse<T> List<T>(IReadOnlyList<T> items) => new(items, items.Count);
}
