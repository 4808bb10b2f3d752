using Microsoft.AspNetCore.Http.HttpResults;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Audit;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Email;

/// <summary>The emails of a case: <c>/api/cases/{caseId}/emails</c>, for the coordinator, the leader and the admin.</summary>
public static class CaseEmailsApi
{
    public static IEndpointRouteBuilder MapCaseEmailsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cases/{caseId}/emails").WithTags("E-mails").RequireAuthorization(Policies.Staff);
        api.MapGet("/", ListEmails).WithName("ListCaseEmails").WithSummary("Alle e-mails van een zaak met hun status.");
        api.MapGet("/{emailId}", GetEmail).WithName("GetCaseEmail").WithSummary("Eén e-mail van een zaak: de tekst zoals verstuurd en elke poging.");
        return app;
    }

    // Whoever may not see a case's emails (a teacher who sees the case included) gets the same 404 as for a case that does not exist.
    private const string NotFoundDetail = "Deze zaak bestaat niet of je mag de e-mails ervan niet zien.";

    private static async Task<Results<Ok<IReadOnlyList<CaseEmailDto>>, ProblemHttpResult>> ListEmails(
        string caseId, Staff staff, CaseEmails emails, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        if (await emails.ListAsync(staff, caseId, ct) is not { } list) return TypedResults.Problem(Problems.NotFound(NotFoundDetail));
        await audit.RecordAsync(db, staff, AuditActions.CaseEmailsViewed, AuditResource.Case(caseId), ct);
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<CaseEmailDetails>, ProblemHttpResult>> GetEmail(
        string caseId, string emailId, Staff staff, CaseEmails emails, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        if (await emails.GetAsync(staff, caseId, emailId, ct) is not { } email) return TypedResults.Problem(Problems.NotFound("Deze e-mail bestaat niet of je mag hem niet zien."));
        await audit.RecordAsync(db, staff, AuditActions.CaseEmailViewed, AuditResource.Email(caseId, emailId), ct);
        return TypedResults.Ok(email);
    }
}
