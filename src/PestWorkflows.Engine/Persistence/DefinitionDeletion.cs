namespace PestWorkflows.Engine.Persistence;

/// <summary>What deleting a definition did.</summary>
public enum DefinitionDeletion
{
    /// <summary>Every version was deleted.</summary>
    Deleted,
    /// <summary>The tenant has no definition with that id (a shared one included); nothing was deleted.</summary>
    NotFound,
    /// <summary>Instances still run on a version of it; nothing was deleted.</summary>
    InstancesRunning,
}
