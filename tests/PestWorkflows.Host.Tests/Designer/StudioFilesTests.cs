using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using PestWorkflows.Host.Designer;
using PestWorkflows.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace PestWorkflows.Host.Tests.Designer;

/// <summary>Elsa Studio's files, restored by the build from npm and served by the host.</summary>
public sealed class StudioFilesTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private HostApp _app = null!;
    private HttpClient _client = null!;
    private string _package = "";

    public Task InitializeAsync()
    {
        _app = new HostApp(_database);
        _client = _app.CreateClient();
        _package = _app.Services.GetRequiredService<StudioFiles>().Folder
            ?? throw new Xunit.Sdk.XunitException("Elsa Studio is not restored: the host's build runs `npm ci` in src/PestWorkflows.Host/Designer/Studio (Node.js with npm must be installed).");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? acceptEncoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, StudioFiles.BasePath + path);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        return await _client.SendAsync(request);
    }

    [Fact]
    public void The_pinned_package_3_8_2_is_restored()
    {
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_package, "package.json")))!;
        Assert.Equal("@elsa-workflows/elsa-studio-wasm", (string?)manifest["name"]);
        Assert.Equal("3.8.2", (string?)manifest["version"]);
    }

    [Fact]
    public async Task A_browser_that_accepts_brotli_gets_the_brotli_copy_with_the_original_content_type()
    {
        using var response = await GetAsync("_framework/blazor.webassembly.js", "gzip, deflate, br, zstd");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);

        var compressed = await response.Content.ReadAsByteArrayAsync();
        var original = await File.ReadAllBytesAsync(Path.Combine(_package, "_framework", "blazor.webassembly.js"));
        Assert.True(compressed.Length < original.Length / 2, $"{compressed.Length} bytes sent for a {original.Length}-byte file");
        await using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var decoded = new MemoryStream();
        await brotli.CopyToAsync(decoded);
        Assert.Equal(original, decoded.ToArray());
    }

    [Fact]
    public async Task Gzip_only_gets_gzip_and_no_accept_encoding_gets_the_plain_file()
    {
        using (var gzip = await GetAsync("_framework/blazor.webassembly.js", "gzip"))
            Assert.Equal(["gzip"], gzip.Content.Headers.ContentEncoding);
        using (var refused = await GetAsync("_framework/blazor.webassembly.js", "br;q=0, gzip;q=0"))
            Assert.Empty(refused.Content.Headers.ContentEncoding);

        using var plain = await GetAsync("_framework/blazor.webassembly.js", null);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_package, "_framework", "blazor.webassembly.js")), await plain.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Fingerprinted_files_are_cached_for_a_year_and_the_others_revalidated()
    {
        var wasm = Path.GetFileName(Directory.GetFiles(Path.Combine(_package, "_framework"), "Elsa.Studio.Core.*.wasm").First());
        using (var fingerprinted = await GetAsync("_framework/" + wasm, "br"))
        {
            Assert.Equal(HttpStatusCode.OK, fingerprinted.StatusCode);
            Assert.Equal("application/wasm", fingerprinted.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromDays(365), fingerprinted.Headers.CacheControl?.MaxAge);
            Assert.True(fingerprinted.Headers.CacheControl?.Public);
        }

        using var loader = await GetAsync("_framework/dotnet.js", "br");
        Assert.True(loader.Headers.CacheControl?.NoCache);
        var etag = loader.Headers.ETag;
        Assert.NotNull(etag);
        var again = new HttpRequestMessage(HttpMethod.Get, StudioFiles.BasePath + "_framework/dotnet.js");
        again.Headers.TryAddWithoutValidation("Accept-Encoding", "br");
        again.Headers.IfNoneMatch.Add(etag!);
        using var revalidated = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Fact]
    public async Task Only_the_studios_own_files_are_served()
    {
        foreach (var path in new[] { "package.json", "index.html", "_content/../package.json", "_framework/%2e%2e/package.json", "_framework/missing.js" })
        {
            using var response = await GetAsync(path, null);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }
        using var settings = await GetAsync("appsettings.json", null);
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
    }

    [Fact]
    public async Task Nothing_the_designer_loads_comes_from_the_internet()
    {
        // The host page is ours (the package's index.html links Google Fonts); its stylesheets have no remote url(...).
        foreach (var css in Directory.EnumerateFiles(Path.Combine(_package, "_content"), "*.css", SearchOption.AllDirectories)
                     .Append(Path.Combine(_package, "Elsa.Studio.Host.CustomElements.styles.css")))
            Assert.DoesNotMatch(@"url\(\s*['""]?https?://", await File.ReadAllTextAsync(css));
    }
}

/// <summary>A host built on a machine without Node.js: no Studio files, but the host runs and the designer says what to install.</summary>
public sealed class WithoutStudioTests
{
    [Fact]
    public async Task The_designer_says_in_Dutch_what_to_install_when_the_Studio_is_missing()
    {
        using var database = new TempDatabase();
        var empty = Path.Combine(database.Folder, "geen-studio");
        Directory.CreateDirectory(empty);
        // The cookie's expiry comes from the host's clock; the client's cookie jar compares it with the real one.
        await using var host = new HostApp(database, clock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var app = host.WithWebHostBuilder(b => b.UseSetting(StudioFiles.PathSetting, empty));
        // HTTPS, as outside a developer's loopback: the session cookie is Secure.
        using var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using (var login = await client.PostAsync("/api/auth/login?useCookies=true",
                   HttpJson.Content(new System.Text.Json.Nodes.JsonObject { ["email"] = HostApp.Coordinator, ["password"] = HostApp.Password })))
            Assert.True(login.IsSuccessStatusCode, $"cookie sign-in: {(int)login.StatusCode}");

        using var page = await client.GetAsync("/designer/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("De ontwerper is niet geïnstalleerd", html);
        Assert.Contains("Node.js", html);
        Assert.DoesNotContain("blazor.webassembly.js", html);
        using var file = await client.GetAsync(StudioFiles.BasePath + "_framework/blazor.webassembly.js");
        Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }
}
