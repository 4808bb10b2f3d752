namespace PestWorkflows.Host.Designer;

/// <summary>What a designer may do with a definition id when saving, publishing or deleting it.</summary>
public enum DefinitionChange
{
    /// <summary>The school's own definition, or a new id the school may take.</summary>
    Allowed,
    /// <summary>Another school's definition: answered as if it did not exist.</summary>
    NotFound,
    /// <summary>A shared definition (hello-world, the protocol template): schools edit their own copy.</summary>
    Shared,
    /// <summary>A new id with the <c>pestprotocol-</c> prefix that is not the school's own copy.</summary>
    Reserved,
}
