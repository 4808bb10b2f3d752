namespace PestWorkflows.Host.Identity;

public sealed record RefreshRequest(string? RefreshToken);
