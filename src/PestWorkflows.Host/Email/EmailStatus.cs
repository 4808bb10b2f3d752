namespace PestWorkflows.Host.Email;

/// <summary>Where an email is.</summary>
public enum EmailStatus
{
    /// <summary>Waiting for its (next) attempt.</summary>
    Queued,
    /// <summary>Being handed to the server right now (or the process stopped while it was).</summary>
    Sending,
    /// <summary>The server accepted it.</summary>
    Sent,
    /// <summary>The server refused it for good (5xx), or it kept failing; it is not tried again by itself.</summary>
    Failed,
    /// <summary>
    /// The process stopped while the server was receiving it: the server may or may not have accepted
    /// it. It is not sent again by itself, so a parent never gets it twice; a person decides.
    /// </summary>
    Uncertain,
    /// <summary>
    /// Was <see cref="Failed"/> or <see cref="Uncertain"/>; a person sent a copy as a new message (its own
    /// Message-Id, maybe to a corrected address). This one stays as history and is never sent again.
    /// </summary>
    Resent,
}
