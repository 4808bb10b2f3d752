using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Reports;

/// <summary>The jaarevaluatie as data: <c>/api/reports</c>.</summary>
public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reports").WithTags("Rapportage").RequireAuthorization(Policies.Staff);
        api.MapGet("/annual", Annual).WithName("AnnualReport")
            .WithSummary("De jaarevaluatie van een school: het schooljaar naast het jaar ervoor; format=csv geeft CSV voor Excel.");
        return app;
    }

    public const string SchoolYearError = "Geef het schooljaar als twee opeenvolgende jaren, bijvoorbeeld 2026-2027.";

    /// <summary>
    /// <c>schoolYear</c> ("2026-2027", default the current one), <c>school</c> (default the caller's own),
    /// <c>format</c> (<c>json</c> or <c>csv</c>). A school the caller may not see the report of is "not found".
    /// </summary>
    private static async Task<Results<Ok<AnnualReport>, FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Annual(
        string? schoolYear, string? school, string? format, Staff staff, AppDbContext db, ReportService reports, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var year = reports.CurrentSchoolYear;
        if (schoolYear is not null && !SchoolYear.TryParse(schoolYear, out year)) errors["schoolYear"] = [SchoolYearError];
        if (format is not (null or "json" or "csv")) errors["format"] = ["Kies json of csv."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "De vraag naar de jaarevaluatie klopt niet.");

        var target = await db.Schools.AsNoTracking().FirstOrDefaultAsync(s => s.Id == (school ?? staff.SchoolId), ct);
        if (target is null || !AccessRules.MaySeeAnnualReport(staff, target))
            return TypedResults.Problem(Problems.NotFound("Deze jaarevaluatie bestaat niet of je mag hem niet zien."));
        var report = (await reports.AnnualAsync(target.Id, year, ct))!;
        if (format != "csv") return TypedResults.Ok(report);
        return TypedResults.File(AnnualReportCsv.Of(report), ReportCsv.ContentType, AnnualReportCsv.FileName(report));
    }
}
