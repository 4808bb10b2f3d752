namespace PestWorkflows.Host.Identity;

/// <summary>A sign-in; with two-factor sign-in on, also the app's code or one of the recovery codes.</summary>
public sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode = null, string? RecoveryCode = null);
