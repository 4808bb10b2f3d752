using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Pages;

/// <summary>Where case documents are kept: <c>Documents:Path</c>, never inside the web root.</summary>
public sealed class DocumentsFolderTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_documents_folder_inside_the_web_root_stops_the_start_with_the_reason()
    {
        await using var app = new HostApp(_database);
        var webRoot = app.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath;
        await using var misconfigured = app.WithWebHostBuilder(b => b.UseSetting("Documents:Path", Path.Combine(webRoot, "documenten")));
        var refused = Assert.Throws<InvalidOperationException>(() => misconfigured.CreateClient());
        Assert.Contains("inside the web root", refused.Message);
        Assert.False(Directory.Exists(Path.Combine(webRoot, "documenten")));
    }

    [Fact]
    public async Task Documents_go_to_the_configured_folder()
    {
        var folder = Path.Combine(_database.Folder, "elders", "documenten");
        await using var app = new HostApp(_database);
        await using var configured = app.WithWebHostBuilder(b => b.UseSetting("Documents:Path", folder));
        Assert.Equal(folder, configured.Services.GetRequiredService<DocumentFiles>().Folder);
        Assert.True(Directory.Exists(folder));
    }
}
