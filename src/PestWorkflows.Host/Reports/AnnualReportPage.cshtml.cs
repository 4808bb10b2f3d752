using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Reports;

/// <summary>
/// The jaarevaluatie of the person's school (or, for the board's admin, <c>?school=</c>): the chosen school year
/// beside the one before, as a table, two charts and a CSV download. Anyone else gets 404.
/// </summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class AnnualReportPageModel(ReportService reports, AppDbContext db) : StaffPageModel
{
    [BindProperty(SupportsGet = true, Name = "schooljaar")] public string? SchoolYearText { get; set; }
    [BindProperty(SupportsGet = true, Name = "school")] public string? SchoolId { get; set; }

    public AnnualReport Report { get; private set; } = null!;
    public IReadOnlyList<ReportRow> Rows { get; private set; } = [];
    public SchoolYear Year { get; private set; }
    public string? YearError { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var school = await db.Schools.AsNoTracking().FirstOrDefaultAsync(s => s.Id == (SchoolId ?? Staff.SchoolId), ct);
        if (school is null || !AccessRules.MaySeeAnnualReport(Staff, school)) return this.NotFoundPage();
        Year = reports.CurrentSchoolYear;
        if (SchoolYearText is { Length: > 0 })
        {
            if (SchoolYear.TryParse(SchoolYearText, out var year)) Year = year;
            else
            {
                // The page still answers (the current year), with the reason beside it and a 400.
                YearError = ReportsApi.SchoolYearError;
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }
        }
        Report = (await reports.AnnualAsync(school.Id, Year, ct))!;
        Rows = AnnualReportRows.For([Report.Previous, Report.Current]);
        return Page();
    }

    public string CsvUrl => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/api/reports/annual",
        new Dictionary<string, string?> { ["schoolYear"] = Year.ToString(), ["school"] = Report.SchoolId, ["format"] = "csv" });

    public string YearUrl(SchoolYear year) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/rapportage/jaarevaluatie",
        new Dictionary<string, string?> { ["schooljaar"] = year.ToString(), ["school"] = SchoolId });
}
