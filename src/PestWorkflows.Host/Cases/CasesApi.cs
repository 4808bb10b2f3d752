using Microsoft.AspNetCore.Http.HttpResults;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Cases;

/// <summary>Reporting signals and reading cases: <c>/api/cases</c>.</summary>
public static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cases").WithTags("Zaken").RequireAuthorization(Policies.Staff).WithRequestBodyLimit(RequestBodyLimits.StaffApi);
        api.MapPost("/", ReportSignal).RequireRateLimiting(Security.RateLimits.Reports).WithName("ReportSignal").WithSummary("Meld een signaal van pesten; start een zaak.");
        api.MapGet("/", ListCases).WithName("ListCases").WithSummary("De zaken die je mag zien.");
        api.MapGet("/{id}", GetCase).WithName("GetCase").WithSummary("Eén zaak met leerlingen, taken en tijdlijn.");
        return app;
    }

    private static async Task<Results<Created<CaseDto>, ValidationProblem, ProblemHttpResult>> ReportSignal(
        Staff staff, HttpContext http, CaseService cases, CancellationToken ct)
    {
        string? idempotencyKey = http.Request.Headers[IdempotencyKeyHeader];
        if (idempotencyKey is not null && (idempotencyKey.Trim().Length == 0 || idempotencyKey.Length > CaseService.MaxSubmissionTokenLength))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IdempotencyKeyHeader] = [$"Geef als Idempotency-Key 1 tot {CaseService.MaxSubmissionTokenLength} tekens, of laat de header weg."],
            }, title: "Het signaal kon niet worden gelezen.");
        var (request, bodyErrors) = await JsonBody.ReadAsync<ReportSignalRequest>(http.Request, ct);
        if (bodyErrors is not null) return TypedResults.ValidationProblem(bodyErrors, title: "Het signaal kon niet worden gelezen.");
        var errors = await cases.ValidateAsync(staff, request!, ct);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Het signaal is niet volledig.");

        // A report sent again with the same key (a retry after a lost answer) gets the first case, with the same answer.
        var created = await cases.ReportAsync(staff, request!, idempotencyKey, ct);
        if (created is null)
            // Nothing was stored; the reporter's client keeps what was typed and can send it again.
            return TypedResults.Problem(Problems.ProtocolUnavailable("Het pestprotocol van de school kon niet worden gestart; het signaal is niet opgeslagen. Probeer het opnieuw of waarschuw de anti-pestcoördinator."));
        var dto = (await cases.GetAsync(staff, created.Id, ct))!;
        return TypedResults.Created($"/api/cases/{created.Id}", dto);
    }

    /// <summary>Names a report: the same key from the same person is the same signal (see <see cref="CaseService.ReportAsync"/>).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The API's page when the caller names none: large enough for a school's open cases at a glance.</summary>
    public const int DefaultApiPageSize = 100;

    /// <summary>One page of the cases, newest first (<c>page</c> from 1, <c>pageSize</c> up to
    /// <see cref="CaseService.MaxPageSize"/>); the answer stays an array, and <c>X-Total-Count</c> says
    /// how many cases there are in all. <c>schoolYear</c> ("2026-2027") keeps the cases reported in that school year;
    /// <c>esis=pending</c> the cases that wait for their registration in ESIS.</summary>
    private static async Task<Results<Ok<IReadOnlyList<CaseSummaryDto>>, ValidationProblem>> ListCases(
        int? page, int? pageSize, string? schoolYear, string? esis, Staff staff, HttpContext http, CaseService cases, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (page < 1) errors["page"] = ["De pagina begint bij 1."];
        if (pageSize is < 1 or > CaseService.MaxPageSize) errors["pageSize"] = [$"Kies tussen 1 en {CaseService.MaxPageSize} zaken per pagina."];
        SchoolYear? year = null;
        if (schoolYear is not null)
        {
            if (SchoolYear.TryParse(schoolYear, out var parsed)) year = parsed;
            else errors["schoolYear"] = ["Geef het schooljaar als twee opeenvolgende jaren, bijvoorbeeld 2026-2027."];
        }
        if (esis is not (null or "pending")) errors["esis"] = ["Alleen esis=pending kan: de zaken die wachten op registratie in ESIS."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "De vraag naar zaken klopt niet.");
        var result = await cases.PageAsync(staff, new CaseFilter(SchoolYear: year, EsisPendingOnly: esis == "pending"), page ?? 1, pageSize ?? DefaultApiPageSize, ct);
        http.Response.Headers["X-Total-Count"] = result.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(result.Items);
    }

    private static async Task<Results<Ok<CaseDto>, ProblemHttpResult>> GetCase(
        string id, Staff staff, CaseService cases, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        var dto = await cases.GetAsync(staff, id, ct);
        // Another school's case, or one this person may not see, is simply "not found".
        if (dto is null) return TypedResults.Problem(Problems.NotFound("Deze zaak bestaat niet of je mag hem niet zien."));
        await audit.RecordAsync(db, staff, AuditActions.CaseViewed, AuditResource.Case(dto.Id), ct);
        return TypedResults.Ok(dto);
    }
}
