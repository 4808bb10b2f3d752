using System.Text.Json.Nodes;

namespace PestWorkflows.Host.Designer;

/// <summary>A variable of an instance with its value (the viewer's variables tab).</summary>
public sealed record ResolvedVariable(string Id, string Name, JsonNode? Value);
