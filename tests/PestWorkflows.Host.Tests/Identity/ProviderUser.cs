namespace PestWorkflows.Host.Tests.Identity;

/// <summary>A person at the school's identity provider.</summary>
public sealed record ProviderUser(string Subject, string Email, bool EmailVerified = true);
