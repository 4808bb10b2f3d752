namespace PestWorkflows.Host.Email;

/// <summary>A staff member an email about a task goes to.</summary>
public sealed record StaffRecipient(string UserId, string Email, string Name);
