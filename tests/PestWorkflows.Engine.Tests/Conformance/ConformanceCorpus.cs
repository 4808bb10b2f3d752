using System.Text.Json.Nodes;

namespace PestWorkflows.Engine.Tests.Conformance;

/// <summary>
/// Elsa's own flowchart scenarios, read from ../shared/docs/elsa-conformance (they stay there:
/// they are Elsa's files, not ours).
/// </summary>
public static class ConformanceCorpus
{
    public const string SkipReason =
        "The Elsa conformance corpus (shared/docs/elsa-conformance/manifest.json) is not beside this clone; " +
        "it is Elsa's test data and is not copied into this repository. CI always has it.";

    public static string? Directory { get; } = Find();

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("PESTWORKFLOWS_CONFORMANCE_DIR");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, "manifest.json"))) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "docs", "elsa-conformance");
            if (File.Exists(Path.Combine(candidate, "manifest.json"))) return candidate;
        }
        return null;
    }

    public static IReadOnlyList<Scenario> Scenarios { get; } = Load();

    private static IReadOnlyList<Scenario> Load()
    {
        if (Directory is null) return [];
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, "manifest.json")))!.AsArray();
        return manifest.Select(e => new Scenario(
            (string)e!["id"]!,
            Path.Combine(Directory, (string)e["file"]!),
            ((string)e["tier"]!).StartsWith("non-normative", StringComparison.Ordinal),
            ((string)e["flowchartMode"]!).StartsWith("token", StringComparison.Ordinal),
            (e["expected"]!["writeLines"] as JsonArray)?.Select(x => (string)x!).ToList(),
            (e["expected"]!["writeLinesUnordered"] as JsonArray)?.Select(x => (string)x!).ToList(),
            (string?)e["expected"]!["status"],
            (string?)e["expected"]!["subStatus"],
            (string?)e["assertionKind"],
            (string?)e["activityId"],
            (int?)e["expectedCount"],
            ((string)e["resume"]!).StartsWith("Test helper 'run until end'", StringComparison.Ordinal))).ToList();
    }

    public static IEnumerable<object[]> Normative() =>
        Directory is null ? [["(corpus missing)"]] : Scenarios.Where(s => !s.NonNormative).Select(s => new object[] { s.Id });

    public static IEnumerable<object[]> NonNormativeIds() =>
        Directory is null ? [["(corpus missing)"]] : Scenarios.Where(s => s.NonNormative).Select(s => new object[] { s.Id });

    public static Scenario Get(string id) => Scenarios.Single(s => s.Id == id);
}

public sealed record Scenario(
    string Id,
    string File,
    bool NonNormative,
    bool TokenBased,
    IReadOnlyList<string>? WriteLines,
    IReadOnlyList<string>? WriteLinesUnordered,
    string? Status,
    string? SubStatus,
    string? AssertionKind,
    string? ActivityId,
    int? ExpectedCount,
    bool RunUntilEnd)
{
    public override string ToString() => Id;
}
