namespace PestWorkflows.Host.Email;

/// <summary>The answer to a resend: the copy's id when it was queued, else why not (in Dutch).</summary>
public sealed record EmailResendResult(EmailResendStatus Status, string? Message = null, string? NewEmailId = null);
