using System.Text.Json.Nodes;

namespace PestWorkflows.Host.Designer;

/// <summary>The counts behind one node's badge in the viewer.</summary>
public sealed record ActivityExecutionStats(
    string ActivityId,
    string ActivityNodeId,
    int StartedCount,
    int CompletedCount,
    int UncompletedCount,
    bool IsBlocked,
    bool IsFaulted,
    int AggregateFaultCount,
    JsonObject Metadata);
