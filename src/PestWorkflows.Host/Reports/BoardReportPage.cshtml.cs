using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Reports;

/// <summary>The board's view: every school's jaarevaluatie for one school year, side by side. For the admin (see <see cref="AccessRules.MaySeeBoardReport"/>); anyone else gets 404.</summary>
[Authorize(Policy = Policies.SignedInPage)]
public sealed class BoardReportPageModel(ReportService reports) : StaffPageModel
{
    [BindProperty(SupportsGet = true, Name = "schooljaar")] public string? SchoolYearText { get; set; }

    public SchoolYear Year { get; private set; }
    public string? YearError { get; private set; }
    public IReadOnlyList<(string SchoolId, string SchoolName, AnnualFigures Figures)> Schools { get; private set; } = [];
    public IReadOnlyList<ReportRow> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!AccessRules.MaySeeBoardReport(Staff)) return this.NotFoundPage();
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
        Schools = await reports.BoardAsync(Year, ct);
        Rows = AnnualReportRows.For(Schools.Select(s => s.Figures).ToList());
        return Page();
    }
}
