namespace PestWorkflows.Host.Documents;

/// <summary>A file type a case document may have: PDF, JPEG or PNG, recognised by its first bytes.</summary>
public sealed record DocumentKind(string ContentType, string Extension)
{
    public static readonly DocumentKind Pdf = new("application/pdf", ".pdf");
    public static readonly DocumentKind Jpeg = new("image/jpeg", ".jpg");
    public static readonly DocumentKind Png = new("image/png", ".png");

    /// <summary>How many leading bytes <see cref="Detect"/> needs.</summary>
    public const int HeaderLength = 8;

    /// <summary>The kind the content starts like; null for anything else (whatever its name or the browser's content type say).</summary>
    public static DocumentKind? Detect(ReadOnlySpan<byte> head) =>
        head.StartsWith("%PDF-"u8) ? Pdf
        : head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? Jpeg
        : head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? Png
        : null;

    /// <summary>
    /// The uploader's file name reduced to letters, digits and a few safe marks (no path, no quotes
    /// or control characters, at most 100 characters before the extension), with the extension of
    /// the content: a PNG called "vel.pdf" is downloaded as "vel.png".
    /// </summary>
    public string SafeFileName(string? original)
    {
        var name = (original ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        var stem = (dot > 0 ? name[..dot] : name).Normalize(System.Text.NormalizationForm.FormC);
        var safe = new System.Text.StringBuilder(stem.Length);
        foreach (var ch in stem)
            safe.Append(char.IsLetterOrDigit(ch) || ch is ' ' or '-' or '_' or '(' or ')' or '.' ? ch : '_');
        var result = safe.ToString().Trim(' ', '.', '_');
        if (result.Length > 100) result = result[..100].TrimEnd(' ', '.');
        return (result.Length == 0 ? "document" : result) + Extension;
    }
}
