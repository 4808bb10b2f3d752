namespace PestWorkflows.Engine.Persistence;

/// <summary>A tenant tried to change a definition id that another tenant (or the shared tenant) owns; nothing was stored.</summary>
public sealed class DefinitionOfOtherTenantException(string definitionId, string ownerTenantId)
    : InvalidOperationException($"Definition '{definitionId}' belongs to another tenant; nothing was stored.")
{
    public string DefinitionId { get; } = definitionId;
    /// <summary>The tenant the definition belongs to (<c>"*"</c> when it is shared).</summary>
    public string OwnerTenantId { get; } = ownerTenantId;
}
