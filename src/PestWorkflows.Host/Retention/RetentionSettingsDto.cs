namespace PestWorkflows.Host.Retention;

/// <summary>The school's retention period: how many years after closing a case's personal data is removed.</summary>
public sealed record RetentionSettingsDto(int? Years);
