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
    /// <summary>
    /// Recorded with its batch before the batch's connection sends anything; becomes <see cref="InProgress"/>
    /// (a light commit, see <see cref="EmailAttemptMarks"/>) right before this message is handed over. Found
    /// after a crash, it means the message was never handed over, when <see cref="EmailAttempt.MarksBoot"/> says
    /// those light commits survived; else it counts as <see cref="InProgress"/>.
    /// </summary>
    Reserved,
}
