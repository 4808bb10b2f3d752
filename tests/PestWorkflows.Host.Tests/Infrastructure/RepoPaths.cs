namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>Folders of the repository and of the shared docs beside it, found from the test's build output.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding PestWorkflows.sln).</summary>
    public static string Root { get; } = FindUp(dir => File.Exists(Path.Combine(dir, "PestWorkflows.sln")))
        ?? throw new InvalidOperationException($"PestWorkflows.sln not found above {AppContext.BaseDirectory}.");

    /// <summary>The repository's <c>workflows/</c> folder.</summary>
    public static string Workflows => Path.Combine(Root, "workflows");

    /// <summary>
    /// <c>shared/docs</c> beside the repository (<c>../shared/docs</c>), found by walking up for
    /// <c>shared/docs/elsa-studio</c>; null in a clone without it.
    /// </summary>
    public static string? SharedDocs { get; } =
        FindUp(dir => Directory.Exists(Path.Combine(dir, "shared", "docs", "elsa-studio"))) is { } parent
            ? Path.Combine(parent, "shared", "docs")
            : null;

    /// <summary>A file under shared/docs, or a skip naming exactly what is missing and why it matters.</summary>
    public static string RequireSharedDoc(string relativePath, string why)
    {
        Skip.If(SharedDocs is null,
            $"shared/docs/elsa-studio was not found in any folder above {AppContext.BaseDirectory}, so ../shared/docs/{relativePath} is missing; {why}");
        var path = Path.Combine(SharedDocs!, relativePath);
        Skip.IfNot(File.Exists(path), $"{path} is missing; {why}");
        return path;
    }

    /// <summary>The build configuration the tests run in (Debug or Release), from the output path.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Debug";

    private static string? FindUp(Func<string, bool> match)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (match(dir.FullName)) return dir.FullName;
        return null;
    }
}
