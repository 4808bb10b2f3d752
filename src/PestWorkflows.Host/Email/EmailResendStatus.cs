namespace PestWorkflows.Host.Email;

/// <summary>How a request to send an email of a case again ended (see <see cref="CaseEmails.ResendAsync"/>).</summary>
public enum EmailResendStatus
{
    /// <summary>A copy is in the outbox.</summary>
    Resent,
    /// <summary>No such email in a case this person may see the emails of.</summary>
    NotFound,
    /// <summary>Sent, still queued, or already resent: sending it again could reach the parent twice.</summary>
    NotResendable,
    /// <summary>The new address is no email address, or cannot be set for this email.</summary>
    InvalidAddress,
}
