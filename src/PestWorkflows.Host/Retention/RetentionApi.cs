using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Retention;

/// <summary><c>GET/PUT /api/school/retention</c>: the school's retention period, for its admin.</summary>
public static class RetentionApi
{
    public static IEndpointRouteBuilder MapRetentionApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/school/retention", Get).WithTags("School").RequireAuthorization(Policies.Staff).WithName("GetRetention")
            .WithSummary("De bewaartermijn van de school: zoveel jaar na het sluiten van een zaak worden de persoonsgegevens verwijderd.");
        app.MapPut("/api/school/retention", Put).WithTags("School").RequireAuthorization(Policies.Staff).WithName("SetRetention")
            .WithSummary("De bewaartermijn van de school wijzigen (1 tot en met 10 jaar).");
        return app;
    }

    private static async Task<Results<Ok<RetentionSettingsDto>, ProblemHttpResult>> Get(Staff staff, AppDbContext db, CancellationToken ct)
    {
        if (!AccessRules.MayManageSchoolSettings(staff)) return Refused();
        var years = await db.Schools.Where(s => s.Id == staff.SchoolId).Select(s => s.RetentionYears).FirstAsync(ct);
        return TypedResults.Ok(new RetentionSettingsDto(years));
    }

    private static async Task<Results<Ok<RetentionSettingsDto>, ValidationProblem, ProblemHttpResult>> Put(
        RetentionSettingsDto body, Staff staff, AppDbContext db, CancellationToken ct)
    {
        if (!AccessRules.MayManageSchoolSettings(staff)) return Refused();
        if (body.Years is not { } years || !RetentionPeriod.IsValid(years))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["years"] = [InvalidYears] }, title: "De bewaartermijn is niet geldig.");
        var school = await db.Schools.FirstAsync(s => s.Id == staff.SchoolId, ct);
        school.RetentionYears = years;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new RetentionSettingsDto(years));
    }

    public static readonly string InvalidYears = $"Kies een bewaartermijn van {RetentionPeriod.MinYears} tot en met {RetentionPeriod.MaxYears} jaar.";

    private static ProblemHttpResult Refused() =>
        TypedResults.Problem(Problems.Forbidden("Alleen de beheerder van de school stelt de bewaartermijn in."));
}
