using System.Text.Json.Nodes;

namespace PestWorkflows.Engine.Model;

/// <summary>
/// A workflow variable as Elsa declares it. As in Elsa, only a variable with a storage driver
/// (<see cref="VariableStorageDrivers.WorkflowInstance"/>, the designer's default) is kept in the instance;
/// one without lives until the step ends and has its initial value again after the instance waits.
/// </summary>
public sealed record Variable(string Id, string Name, string TypeName, JsonNode? InitialValue, string? StorageDriverTypeName = null)
{
    public bool IsStored => !string.IsNullOrWhiteSpace(StorageDriverTypeName);
}

/// <summary>
/// A materialized workflow definition version: the activity tree ready to run plus the identity
/// of the version it came from. Immutable once built and shared between runs.
/// </summary>
public sealed class Workflow
{
    private readonly Dictionary<string, Activity> _byNodeId;

    public Workflow(string definitionId, string definitionVersionId, int version, string? name,
        Activity root, IReadOnlyList<Variable> variables, FlowchartExecutionMode flowchartMode)
    {
        DefinitionId = definitionId;
        DefinitionVersionId = definitionVersionId;
        Version = version;
        Name = name;
        Root = root;
        Variables = variables;
        FlowchartMode = flowchartMode;
        _byNodeId = new Dictionary<string, Activity>(StringComparer.Ordinal);
        foreach (var activity in Descendants(root))
            _byNodeId[activity.NodeId] = activity;
    }

    public string DefinitionId { get; }
    public string DefinitionVersionId { get; }
    public int Version { get; }
    public string? Name { get; }
    public Activity Root { get; }
    public IReadOnlyList<Variable> Variables { get; }
    public FlowchartExecutionMode FlowchartMode { get; }

    public IEnumerable<Activity> Activities => _byNodeId.Values;

    public Activity? FindByNodeId(string nodeId) => _byNodeId.GetValueOrDefault(nodeId);

    public static IEnumerable<Activity> Descendants(Activity activity)
    {
        yield return activity;
        if (activity is IContainerActivity container)
            foreach (var child in container.Children)
            foreach (var descendant in Descendants(child))
                yield return descendant;
    }
}

/// <summary>Elsa's two flowchart algorithms. Counter-based is Elsa 3's default.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<FlowchartExecutionMode>))]
public enum FlowchartExecutionMode
{
    CounterBased,
    TokenBased,
}
