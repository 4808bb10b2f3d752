using System.Text;
using CsvHelper;
using PestWorkflows.Host.Email;

namespace PestWorkflows.Host.Import;

/// <summary>
/// Reads a pupil export: UTF-8 (with or without a byte order mark) or, when the bytes are not valid UTF-8,
/// Windows-1252 (what Excel on Windows saves as "CSV"); <c>;</c> or <c>,</c> between the fields, whichever the
/// header line has more of. Checks what a single line can tell: a pupil number, a first and a last name,
/// parents' addresses that can be delivered to.
/// </summary>
public static class PupilCsv
{
    public const int MaxPupilNumberLength = 32;
    public const int MaxNameLength = 100;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static PupilCsv() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static PupilCsvFile Read(byte[] content, PupilImportColumns columns)
    {
        var (text, encodingName) = Decode(content);
        var separator = DetectSeparator(text);
        var problems = new List<PupilImportProblem>();
        var rows = new List<PupilCsvRow>();
        if (text.Trim().Length == 0)
            return new PupilCsvFile(rows, [new PupilImportProblem(1, "Het bestand is leeg.")], encodingName, separator);

        using var reader = CsvReader.FromText(text, new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = true,
            TrackLineNumbers = true,
            TrimWhitespace = true,
        });
        var headers = reader.Headers.Select(h => h.Trim()).ToList();
        int Index(string name) => headers.FindIndex(h => string.Equals(h, name.Trim(), StringComparison.OrdinalIgnoreCase));
        var number = Index(columns.PupilNumber);
        var first = Index(columns.FirstName);
        var infix = Index(columns.Infix);
        var last = Index(columns.LastName);
        var group = Index(columns.Group);
        var parents = new[] { (1, Index(columns.Parent1Email), Index(columns.Parent1Name)), (2, Index(columns.Parent2Email), Index(columns.Parent2Name)) };
        foreach (var (index, name) in new[] { (number, columns.PupilNumber), (first, columns.FirstName), (last, columns.LastName), (group, columns.Group) })
            if (index < 0) problems.Add(new PupilImportProblem(1, $"De kolom \"{name}\" ontbreekt in de kopregel."));
        if (problems.Count > 0) return new PupilCsvFile(rows, problems, encodingName, separator);

        while (reader.Read())
        {
            var line = (int)reader.LineNumber;
            string Field(int index) => index >= 0 && index < reader.FieldCount ? reader.GetString(index).Trim() : "";
            var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i));
            if (values.All(string.IsNullOrWhiteSpace)) continue; // a line of only separators, as spreadsheets leave at the end

            var rowProblems = new List<string>();
            var pupilNumber = Field(number);
            if (pupilNumber.Length == 0) rowProblems.Add("het leerlingnummer ontbreekt");
            else if (pupilNumber.Length > MaxPupilNumberLength) rowProblems.Add($"het leerlingnummer is langer dan {MaxPupilNumberLength} tekens");
            var firstName = Field(first);
            if (firstName.Length == 0) rowProblems.Add("de voornaam ontbreekt");
            var lastName = string.Join(' ', new[] { Field(infix), Field(last) }.Where(s => s.Length > 0));
            if (Field(last).Length == 0) rowProblems.Add("de achternaam ontbreekt");
            if (firstName.Length > MaxNameLength || lastName.Length > MaxNameLength) rowProblems.Add($"de naam is langer dan {MaxNameLength} tekens");
            var groupName = Field(group);
            if (groupName.Length == 0) rowProblems.Add("de groep ontbreekt");

            var guardians = new List<PupilCsvGuardian>();
            foreach (var (n, emailIndex, nameIndex) in parents)
            {
                var email = Field(emailIndex);
                var name = Field(nameIndex);
                // A parent without an address gets no email from the product: there is nothing to keep.
                if (email.Length == 0) continue;
                if (!EmailAddresses.IsDeliverable(email)) rowProblems.Add($"het e-mailadres van ouder {n} (\"{email}\") is ongeldig");
                else if (name.Length == 0) rowProblems.Add($"de naam van ouder {n} ontbreekt");
                else if (name.Length > MaxNameLength) rowProblems.Add($"de naam van ouder {n} is langer dan {MaxNameLength} tekens");
                else if (!guardians.Any(g => string.Equals(g.Email, email, StringComparison.OrdinalIgnoreCase)))
                    guardians.Add(new PupilCsvGuardian(n, name, email));
            }

            if (rowProblems.Count > 0)
                problems.Add(new PupilImportProblem(line, Sentence(rowProblems)));
            else
                rows.Add(new PupilCsvRow(line, pupilNumber, firstName, lastName, groupName, guardians));
        }
        return new PupilCsvFile(rows, problems, encodingName, separator);
    }

    /// <summary>"de voornaam ontbreekt; de groep ontbreekt" as one Dutch sentence.</summary>
    public static string Sentence(IReadOnlyList<string> parts) => char.ToUpperInvariant(parts[0][0]) + string.Join("; ", parts)[1..] + ".";

    private static (string Text, string EncodingName) Decode(byte[] content)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        var start = content.AsSpan().StartsWith(bom) ? bom.Length : 0;
        try
        {
            return (StrictUtf8.GetString(content, start, content.Length - start), "UTF-8");
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8: the other encoding school administrations export in (Excel's "CSV" on Windows).
            return (Encoding.GetEncoding(1252).GetString(content), "Windows-1252");
        }
    }

    private static char DetectSeparator(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var header = end < 0 ? text : text[..end];
        return header.Count(c => c == ';') >= header.Count(c => c == ',') && header.Contains(';') ? ';' : ',';
    }
}
