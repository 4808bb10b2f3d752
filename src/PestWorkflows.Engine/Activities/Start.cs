using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Activities;

/// <summary>The explicit start of a flowchart.</summary>
[Activity("Elsa", "Flow", "The starting point of the flow.")]
public sealed class Start : CodeActivity, IStartNode;
