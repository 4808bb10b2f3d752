using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// The files of Elsa Studio (npm <c>@elsa-workflows/elsa-studio-wasm</c> 3.8.2), served under
/// <see cref="BasePath"/> on the API's own origin. The package ships a brotli and a gzip copy of
/// every file; the smallest one the browser accepts is sent, so a cold designer load is a fraction
/// of the package's 92 MB. Fingerprinted files are cached for a year, the others revalidated.
/// </summary>
public sealed partial class StudioFiles
{
    /// <summary>
    /// Where the Studio's files are served, and the <c>&lt;base href&gt;</c> of the designer's pages:
    /// Blazor refuses to start on a page whose address is outside its base.
    /// </summary>
    public const string BasePath = "/designer/";

    /// <summary>Configuration key for the package folder when it is not where the build restored it.</summary>
    public const string PathSetting = "Designer:StudioPath";

    private static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();

    public StudioFiles(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[PathSetting];
        var folder = !string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : typeof(StudioFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ElsaStudioPackage")?.Value;
        Folder = folder is not null && File.Exists(Path.Combine(folder, "_framework", "blazor.webassembly.js")) ? Path.GetFullPath(folder) : null;
    }

    /// <summary>The package folder; null when the Studio was not restored (no Node.js when the host was built).</summary>
    public string? Folder { get; }

    public bool IsAvailable => Folder is not null;

    /// <summary>Serves one file of the package (path relative to <see cref="BasePath"/>).</summary>
    public IResult Serve(HttpContext http, string path)
    {
        // The WebAssembly host reads appsettings(.{environment}).json from its base; the custom
        // elements take the API address from their remote-endpoint attribute, so there is nothing to say.
        if (path.StartsWith("appsettings", StringComparison.Ordinal) && path.EndsWith(".json", StringComparison.Ordinal))
        {
            http.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Text("{}", "application/json");
        }
        if (Folder is null || !IsPackageFile(path))
            return TypedResults.NotFound();
        var file = Path.GetFullPath(Path.Combine(Folder, path));
        if (!file.StartsWith(Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
            return TypedResults.NotFound();
        if (!ContentTypes.TryGetContentType(file, out var contentType))
            contentType = "application/octet-stream";

        var headers = http.Response.Headers;
        headers.Vary = HeaderNames.AcceptEncoding;
        headers.CacheControl = IsFingerprinted(path) ? "public, max-age=31536000, immutable" : "no-cache";
        var sent = file;
        if (PreferredEncoding(http.Request) is { } encoding && File.Exists(file + encoding.Suffix))
        {
            sent = file + encoding.Suffix;
            headers.ContentEncoding = encoding.Name;
        }
        var info = new FileInfo(sent);
        var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"");
        return TypedResults.PhysicalFile(sent, contentType, lastModified: info.LastWriteTimeUtc, entityTag: etag, enableRangeProcessing: false);
    }

    /// <summary>Only what the Studio loads: its runtime, its libraries' static content and its stylesheet.</summary>
    private static bool IsPackageFile(string path) =>
        path.StartsWith("_framework/", StringComparison.Ordinal)
        || path.StartsWith("_content/", StringComparison.Ordinal)
        || path == "Elsa.Studio.Host.CustomElements.styles.css";

    /// <summary>Blazor's build names content-addressed files <c>name.{10 chars}.ext</c>: they never change under the same name.</summary>
    private static bool IsFingerprinted(string path) => Fingerprint().IsMatch(Path.GetFileName(path));

    [GeneratedRegex(@"\.[a-z0-9]{10}\.(wasm|js|dat|pdb)$")]
    private static partial Regex Fingerprint();

    private static (string Name, string Suffix)? PreferredEncoding(HttpRequest request)
    {
        var accepted = request.Headers.AcceptEncoding.ToString();
        if (Accepts(accepted, "br")) return ("br", ".br");
        if (Accepts(accepted, "gzip")) return ("gzip", ".gz");
        return null;
    }

    private static bool Accepts(string acceptEncoding, string coding)
    {
        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var segments = part.Split(';', StringSplitOptions.TrimEntries);
            if (!string.Equals(segments[0], coding, StringComparison.OrdinalIgnoreCase)) continue;
            // "br;q=0" means "not br".
            return !segments.Skip(1).Any(s => s.Replace(" ", "") is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
        }
        return false;
    }

    private static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".wasm"] = "application/wasm";
        provider.Mappings[".dat"] = "application/octet-stream";
        provider.Mappings[".webmanifest"] = "application/manifest+json";
        provider.Mappings[".json"] = "application/json";
        provider.Mappings[".blat"] = "application/octet-stream";
        return provider;
    }
}
