namespace PestWorkflows.Engine.Persistence;

/// <summary>What <see cref="WorkflowInstanceStore.AnonymiseAsync"/> did.</summary>
public enum InstanceAnonymisation
{
    /// <summary>The instance's data is gone; its status, times and the shape of its journal stay.</summary>
    Anonymised,
    /// <summary>The tenant has no such instance.</summary>
    NotFound,
    /// <summary>The instance still runs: its variables are still needed, so nothing was changed.</summary>
    NotFinished,
}
