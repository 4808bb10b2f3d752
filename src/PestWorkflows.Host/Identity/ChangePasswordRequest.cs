namespace PestWorkflows.Host.Identity;

public sealed record ChangePasswordRequest(string? OldPassword, string? NewPassword);
