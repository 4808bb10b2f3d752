namespace PestWorkflows.Host.Email;

/// <summary>One email of a case with the text as it was sent and every attempt.</summary>
public sealed record CaseEmailDetails(
    CaseEmailDto Email,
    string CaseId,
    string MessageId,
    string? ReplyTo,
    string TextBody,
    IReadOnlyList<EmailAttemptDto> AttemptLog);
