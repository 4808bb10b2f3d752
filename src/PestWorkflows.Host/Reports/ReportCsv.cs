using System.Text;

namespace PestWorkflows.Host.Reports;

/// <summary>
/// The rows as CSV for Dutch Excel: UTF-8 with a byte order mark (without it Excel reads "ë" wrongly), fields
/// separated by ';' (Excel with Dutch regional settings expects it, as ',' is the decimal separator), and a cell
/// that starts with '=', '+', '-', '@' (or a tab or carriage return) prefixed with "'", so no cell is run as a formula.
/// </summary>
public static class ReportCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<ReportRow> rows)
    {
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows) Line(text, [row.Label, .. row.Values]);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static void Line(StringBuilder text, IEnumerable<string> cells) => text.Append(string.Join(';', cells.Select(Cell))).Append("\r\n");

    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
