using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>Where emails go: an SMTP server (<see cref="SmtpTransport"/>) or the local mailbox (<see cref="LocalMailbox"/>).</summary>
public interface IEmailTransport
{
    /// <summary>
    /// Hands the message over. <paramref name="handingOver"/> runs right before the message itself is
    /// transmitted (after connecting and signing in), and must have recorded the attempt when it returns:
    /// a failure before it means the destination never saw the message.
    /// Throws <see cref="MailKit.Net.Smtp.SmtpCommandException"/> when the server refuses (its status code tells
    /// whether for good), other exceptions when the server could not be reached or the connection broke.
    /// </summary>
    Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct);

    /// <summary>
    /// Whether the destination holds the message with this id: true or false when it can tell, null when
    /// it cannot (an SMTP server cannot be asked).
    /// </summary>
    Task<bool?> HasAsync(string messageId, CancellationToken ct);

    /// <summary>
    /// A session for sending several messages one after another (one SMTP connection for all). By default
    /// each message is sent on its own.
    /// </summary>
    Task<IEmailSession> OpenSessionAsync(CancellationToken ct) => Task.FromResult<IEmailSession>(new PerMessageEmailSession(this));
}
