namespace PestWorkflows.Host.Email;

/// <summary>How one attempt to hand an email to the server ended.</summary>
public enum EmailAttemptOutcome
{
    /// <summary>Recorded before the message was handed over; no outcome yet.</summary>
    InProgress,
    Accepted,
    /// <summary>Temporarily not possible (server down, 4xx): tried again later.</summary>
    Deferred,
    /// <summary>Refused for good (5xx).</summary>
    Rejected,
    /// <summary>Cut short with the server maybe having the message (see <see cref="EmailStatus.Uncertain"/>).</summary>
    Unknown,
    /// <summary>Cut short before the server could have the message (found out on the next attempt).</summary>
    Interrupted,
}
