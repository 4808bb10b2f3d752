namespace PestWorkflows.Host.Designer;

/// <summary>Answer of <c>GET /workflow-definitions/validation/is-name-unique</c>.</summary>
public sealed record IsNameUniqueResponse(bool IsUnique);
