using System.Text.Json.Nodes;

namespace PestWorkflows.Host.Tests.Infrastructure;

/// <summary>The responses of a genuine Elsa 3.8 server in ../shared/docs/elsa-golden; a test that needs one is skipped without it.</summary>
public static class Golden
{
    public static JsonNode Load(string file) =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.RequireSharedDoc($"elsa-golden/{file}",
            "it is the answer of a genuine Elsa 3.8 server that this response is compared with field by field.")))!;

    /// <summary>The property names of an object, in order.</summary>
    public static List<string> Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key).ToList();

    /// <summary>
    /// Every field Elsa writes is in <paramref name="ours"/>, in Elsa's order, with the same JSON kind
    /// (string, number, object, ...) where both have a value; <paramref name="missing"/> are the golden
    /// fields we knowingly leave out. Fields only we write are allowed.
    /// </summary>
    public static void AssertSameFields(JsonNode golden, JsonNode ours, params string[] missing)
    {
        var goldenKeys = Keys(golden).Where(k => !missing.Contains(k)).ToList();
        Assert.Equal(goldenKeys, Keys(ours).Where(goldenKeys.Contains).ToList());
        Assert.Empty(goldenKeys.Except(Keys(ours)));
        foreach (var key in goldenKeys)
            if (golden[key] is { } g && ours[key] is { } o)
                Assert.True(Kind(g) == Kind(o), $"'{key}': Elsa writes {g.GetValueKind()}, we write {o.GetValueKind()}");
    }

    private static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        var kind => kind.ToString(),
    };
}
