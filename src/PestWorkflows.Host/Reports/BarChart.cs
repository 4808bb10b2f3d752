using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace PestWorkflows.Host.Reports;

/// <summary>
/// A horizontal bar chart as inline SVG, drawn on the server: one row per category, one bar per series (a year or
/// a school), each bar labelled with its number, so the chart reads without colour and prints as it shows.
/// </summary>
public static class BarChart
{
    private static readonly string[] Colours = ["#9db4cf", "#1d5fa8", "#e0a030", "#4a8f4a", "#a64d79", "#5b6470"];
    private const int LabelWidth = 230, BarArea = 320, BarHeight = 16, Gap = 10, Top = 28;

    public static IHtmlContent Render(string id, string title, IReadOnlyList<string> series, IReadOnlyList<(string Category, IReadOnlyList<int> Values)> rows)
    {
        var max = Math.Max(1, rows.SelectMany(r => r.Values).DefaultIfEmpty(0).Max());
        var rowHeight = series.Count * BarHeight + Gap;
        var height = Top + rows.Count * rowHeight + 8;
        var width = LabelWidth + BarArea + 50;
        var svg = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        string N(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);
        svg.Append($"<figure class=\"chart-figure\"><figcaption>{E(title)}</figcaption>");
        svg.Append($"<svg id=\"{E(id)}\" class=\"chart\" role=\"img\" aria-labelledby=\"{E(id)}-title\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append($"<title id=\"{E(id)}-title\">{E(title)}</title>");
        // Legend
        var x = 0;
        for (var s = 0; s < series.Count; s++)
        {
            svg.Append($"<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{Colours[s % Colours.Length]}\"/>");
            svg.Append($"<text x=\"{x + 16}\" y=\"14\" font-size=\"12\">{E(series[s])}</text>");
            x += 24 + series[s].Length * 7;
        }
        for (var r = 0; r < rows.Count; r++)
        {
            var y = Top + r * rowHeight;
            svg.Append($"<text class=\"category\" x=\"0\" y=\"{N(y + series.Count * BarHeight / 2.0 + 4)}\" font-size=\"12\">{E(rows[r].Category)}</text>");
            for (var s = 0; s < series.Count; s++)
            {
                var value = s < rows[r].Values.Count ? rows[r].Values[s] : 0;
                var barWidth = (double)value / max * BarArea;
                var barY = y + s * BarHeight;
                svg.Append($"<rect class=\"bar\" data-series=\"{E(series[s])}\" data-category=\"{E(rows[r].Category)}\" data-value=\"{value}\" x=\"{LabelWidth}\" y=\"{barY}\" width=\"{N(barWidth)}\" height=\"{BarHeight - 2}\" fill=\"{Colours[s % Colours.Length]}\">");
                svg.Append($"<title>{E(rows[r].Category)}, {E(series[s])}: {value}</title></rect>");
                svg.Append($"<text class=\"value\" x=\"{N(LabelWidth + barWidth + 4)}\" y=\"{barY + BarHeight - 4}\" font-size=\"11\">{value}</text>");
            }
        }
        svg.Append("</svg></figure>");
        return new HtmlString(svg.ToString());
    }
}
