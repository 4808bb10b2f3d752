using Microsoft.AspNetCore.Http.HttpResults;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Cases;

/// <summary>Reporting signals and reading cases: <c>/api/cases</c>.</summary>
public static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cases").WithTags("Zaken").RequireAuthorization(Policies.Staff).WithRequestBodyLimit(RequestBodyLimits.StaffApi);
        api.MapPost("/", ReportSignal).WithName("ReportSignal").WithSummary("Meld een signaal van pesten; start een zaak.");
        api.MapGet("/", ListCases).WithName("ListCases").WithSummary("De zaken die je mag zien.");
        api.MapGet("/{id}", GetCase).WithName("GetCase").WithSummary("Eén zaak met leerlingen, taken en tijdlijn.");
        return app;
    }

    private static async Task<Results<Created<CaseDto>, ValidationProblem, ProblemHttpResult, UnauthorizedHttpResult>> ReportSignal(
        HttpContext http, StaffAccessor staffAccessor, CaseService cases, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        var (request, bodyErrors) = await JsonBody.ReadAsync<ReportSignalRequest>(http.Request, ct);
        if (bodyErrors is not null) return TypedResults.ValidationProblem(bodyErrors, title: "Het signaal kon niet worden gelezen.");
        var errors = await cases.ValidateAsync(staff, request!, ct);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Het signaal is niet volledig.");

        var created = await cases.ReportAsync(staff, request!, ct);
        if (created is null)
            // Nothing was stored; the reporter's client keeps what was typed and can send it again.
            return TypedResults.Problem(Problems.ProtocolUnavailable("Het pestprotocol van de school kon niet worden gestart; het signaal is niet opgeslagen. Probeer het opnieuw of waarschuw de anti-pestcoördinator."));
        var dto = (await cases.GetAsync(staff, created.Id, ct))!;
        return TypedResults.Created($"/api/cases/{created.Id}", dto);
    }

    private static async Task<Results<Ok<IReadOnlyList<CaseSummaryDto>>, UnauthorizedHttpResult>> ListCases(
        HttpContext http, StaffAccessor staffAccessor, CaseService cases, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        return TypedResults.Ok(await cases.ListAsync(staff, ct));
    }

    private static async Task<Results<Ok<CaseDto>, ProblemHttpResult, UnauthorizedHttpResult>> GetCase(
        string id, HttpContext http, StaffAccessor staffAccessor, CaseService cases, CancellationToken ct)
    {
        if (await staffAccessor.GetAsync(http.User) is not { } staff) return TypedResults.Unauthorized();
        var dto = await cases.GetAsync(staff, id, ct);
        // Another school's case, or one this person may not see, is simply "not found".
        return dto is null ? TypedResults.Problem(Problems.NotFound("Deze zaak bestaat niet of je mag hem niet zien.")) : TypedResults.Ok(dto);
    }
}
