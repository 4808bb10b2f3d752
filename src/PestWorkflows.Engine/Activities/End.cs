using PestWorkflows.Engine.Model;

namespace PestWorkflows.Engine.Activities;

/// <summary>Completes the containing flowchart at once; a parent container continues.</summary>
[Activity("Elsa", "Flow", "Marks the end of the flow.")]
public sealed class End : CodeActivity, ITerminalNode;
