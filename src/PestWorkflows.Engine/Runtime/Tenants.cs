namespace PestWorkflows.Engine.Runtime;

/// <summary>
/// Tenant ids, as in Elsa 3: every definition, instance and bookmark belongs to one tenant, and every
/// start, resume, event and lookup resolves within the caller's tenant. A definition of the
/// <see cref="Shared"/> tenant can be read and started by every tenant (its instances belong to the
/// starter's tenant) but changed only by the shared tenant itself.
/// </summary>
public static class Tenants
{
    /// <summary>The tenant of a caller that names none.</summary>
    public const string Default = "";

    /// <summary>Marks definitions shared by all tenants.</summary>
    public const string Shared = "*";

    /// <summary>Whether a caller of <paramref name="tenantId"/> sees a definition of <paramref name="definitionTenantId"/>.</summary>
    public static bool Sees(string tenantId, string definitionTenantId) => definitionTenantId == tenantId || definitionTenantId == Shared;
}
