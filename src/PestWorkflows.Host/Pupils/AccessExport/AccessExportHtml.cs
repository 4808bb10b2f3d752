using System.Text.Encodings.Web;
using System.Text.Unicode;
using System.Text;
using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Pupils.AccessExport;

/// <summary>The access export as one Dutch HTML page that reads and prints on its own (no scripts, no outside files).</summary>
public static class AccessExportHtml
{
    public static string Render(PupilAccessExport export)
    {
        var html = new StringBuilder();
        var p = export.Pupil;
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="nl">
            <head>
            <meta charset="utf-8">
            <title>Inzageverzoek: {{E(p.FirstName)}} {{E(p.LastName)}}</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #111; }
            h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #999; padding-bottom: .2rem; margin-top: 2rem; }
            section.case { break-inside: avoid-page; } table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; vertical-align: top; padding: .2rem .4rem; border-bottom: 1px solid #ddd; }
            .note { background: #f4f4f4; padding: .5rem .8rem; }
            @media print { body { margin: 0; max-width: none; } a { color: inherit; } }
            </style>
            </head>
            <body>
            <h1>Inzageverzoek: alle gegevens over {{E(p.FirstName)}} {{E(p.LastName)}}</h1>
            <p>{{E(export.School)}} · opgemaakt op {{E(export.ExportedAt)}}. Dit overzicht bevat wat de school in PestWorkflows over deze leerling
            bewaart (AVG artikel 15). Andere leerlingen staan er alleen in als „{{E(Cases.EsisSummary.OtherPupil)}}”.</p>

            <h2>Leerling</h2>
            <table>
            <tr><th>Naam</th><td>{{E(p.FirstName)}} {{E(p.LastName)}}</td></tr>
            <tr><th>Leerlingnummer</th><td>{{E(p.PupilNumber ?? "–")}}</td></tr>
            <tr><th>Groep</th><td>{{E(p.Group)}}</td></tr>
            </table>

            <h2>Ouders en verzorgers</h2>

            """);
        if (export.Parents.Count == 0) html.Append("<p>Geen ouders of verzorgers bekend.</p>\n");
        else
        {
            html.Append("<ul>\n");
            foreach (var parent in export.Parents) html.Append($"<li>{E(parent.Name)} ({E(parent.Email)})</li>\n");
            html.Append("</ul>\n");
        }

        html.Append("<h2>Zaken</h2>\n");
        if (export.Cases.Count == 0) html.Append("<p>Deze leerling komt in geen enkele zaak voor.</p>\n");
        foreach (var c in export.Cases)
        {
            html.Append($"""
                <section class="case">
                <h3>Zaak {E(c.CaseId[..Math.Min(8, c.CaseId.Length)])}: {E(c.Role)}</h3>
                <table>
                <tr><th>Status</th><td>{E(c.Status)} · {E(c.CurrentStep)}</td></tr>
                <tr><th>Gemeld op</th><td>{Date(c.ReportedAt)}</td></tr>
                <tr><th>Gebeurd op</th><td>{Date(c.ObservedAt)}, {E(c.Location)}</td></tr>
                <tr><th>Wat er gebeurde</th><td>{E(c.Description)}</td></tr>
                <tr><th>Grens duidelijk overschreden</th><td>{(c.BoundaryCrossed ? "ja" : "nee")}</td></tr>
                <tr><th>Gesloten op</th><td>{(c.ClosedAt is { } closed ? Date(closed) : "–")}</td></tr>
                <tr><th>Geregistreerd in ESIS</th><td>{(c.EsisRegisteredAt is { } esis ? Date(esis) : "–")}</td></tr>
                <tr><th>Ook betrokken</th><td>{E(string.Join(", ", c.OtherPupils.Select(o => $"{o.Name} ({o.Role})")))}</td></tr>
                </table>
                <h4>Tijdlijn</h4>
                <ol>

                """);
            foreach (var line in c.Timeline) html.Append($"<li>{Date(line.At)}: {E(line.Text)}</li>\n");
            html.Append("</ol>\n<h4>Stappen</h4>\n");
            foreach (var t in c.Tasks)
            {
                html.Append($"<h5>Stap {t.Step}: {E(t.Title)} ({E(t.Status)}{(t.Outcome is { } o ? ": " + E(o) : "")})</h5>\n");
                html.Append($"<p>Aangemaakt {Date(t.CreatedAt)}{(t.DueAt is { } due ? ", uiterlijk " + Date(due) : "")}{(t.CompletedAt is { } done ? ", afgerond " + Date(done) : "")}</p>\n");
                if (t.Answers.Count == 0) continue;
                html.Append("<table>\n");
                foreach (var a in t.Answers) html.Append($"<tr><th>{E(a.Field)}</th><td>{E(a.Value)}</td></tr>\n");
                html.Append("</table>\n");
            }
            html.Append("<h4>Documenten</h4>\n");
            if (c.Documents.Count == 0) html.Append("<p>Geen.</p>\n");
            else
            {
                html.Append($"<p class=\"note\">{E(export.DocumentsNote)}</p>\n<ul>\n");
                foreach (var d in c.Documents) html.Append($"<li>{E(d.FileName)} ({E(d.ContentType)}, {d.Size} bytes), toegevoegd {Date(d.UploadedAt)}</li>\n");
                html.Append("</ul>\n");
            }
            html.Append("</section>\n");
        }

        html.Append("<h2>E-mails aan de ouders</h2>\n");
        if (export.Emails.Count == 0) html.Append("<p>Geen.</p>\n");
        foreach (var e in export.Emails)
        {
            html.Append($"""
                <section class="email">
                <h3>{E(e.Subject)}</h3>
                <p>Aan {E(e.ToName ?? "")} &lt;{E(e.To)}&gt; · {E(e.Status)}{(e.SentAt is { } sent ? " op " + Date(sent) : "")} · aangemaakt {Date(e.CreatedAt)}</p>
                <pre style="white-space: pre-wrap; font-family: inherit">{E(e.Text)}</pre>
                </section>

                """);
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    // Dutch letters (ë, é) stay readable in the file; markup characters are encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static string E(string text) => Encoder.Encode(text);

    private static string Date(DateTimeOffset at) => E(DutchTime.Short(at));
}
