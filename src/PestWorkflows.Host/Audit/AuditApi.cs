using Microsoft.AspNetCore.Http.HttpResults;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Audit;

/// <summary>A case's audit trail: <c>GET /api/cases/{caseId}/audit</c>, for the coordinator and the leader. Read only: nothing changes a line.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cases/{caseId}/audit", CaseAuditTrail).WithTags("Logboek").RequireAuthorization(Policies.Staff)
            .WithName("GetCaseAudit").WithSummary("Wie wat in een zaak heeft bekeken of gedaan, oudste eerst.");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditLineDto>>, ProblemHttpResult>> CaseAuditTrail(
        string caseId, Staff staff, CaseAudit audit, CancellationToken ct) =>
        await audit.ListAsync(staff, caseId, ct) is { } lines
            ? TypedResults.Ok(lines)
            // As for a case one may not see: whoever may not read its audit learns nothing about it.
            : TypedResults.Problem(Problems.NotFound("Deze zaak bestaat niet of je mag het logboek ervan niet zien."));
}
