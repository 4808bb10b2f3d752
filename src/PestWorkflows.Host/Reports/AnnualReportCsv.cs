namespace PestWorkflows.Host.Reports;

/// <summary>The jaarevaluatie's CSV: the page's rows, the year before beside the chosen year.</summary>
public static class AnnualReportCsv
{
    public static byte[] Of(AnnualReport report) =>
        ReportCsv.Write(["Cijfer", report.Previous.SchoolYear, report.Current.SchoolYear], AnnualReportRows.For([report.Previous, report.Current]));

    public static string FileName(AnnualReport report) => $"jaarevaluatie-{report.SchoolId}-{report.Current.SchoolYear}.csv";
}
