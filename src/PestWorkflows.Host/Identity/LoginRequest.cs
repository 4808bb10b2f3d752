namespace PestWorkflows.Host.Identity;

public sealed record LoginRequest(string? Email, string? Password);
