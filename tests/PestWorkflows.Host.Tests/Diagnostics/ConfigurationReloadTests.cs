using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Diagnostics;

public sealed class ConfigurationReloadTests
{
    /// <summary>
    /// A watched appsettings.json means a watcher over the whole content root, where data/ (the database,
    /// the mailbox) lives by default: every write woke it. The host reads its settings once.
    /// </summary>
    [Fact]
    public async Task The_host_does_not_watch_its_settings_files()
    {
        await using var s = new SchoolApp();
        var configuration = (IConfigurationRoot)s.App.Services.GetRequiredService<IConfiguration>();
        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched for changes"));
    }
}
