namespace PestWorkflows.Engine.Model;

/// <summary>Elsa's type names of the variable storage drivers this engine honours.</summary>
public static class VariableStorageDrivers
{
    /// <summary>Stores the value in the workflow instance's state: the default for a new variable.</summary>
    public const string WorkflowInstance = "Elsa.Workflows.WorkflowInstanceStorageDriver, Elsa.Workflows.Core";
}
