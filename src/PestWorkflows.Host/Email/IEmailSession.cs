using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>
/// One connection to where emails go, kept for a batch of messages (see <see cref="IEmailTransport.OpenSessionAsync"/>).
/// Disposing it says goodbye to the server.
/// </summary>
public interface IEmailSession : IAsyncDisposable
{
    /// <summary>
    /// As <see cref="IEmailTransport.SendAsync"/>, over this session's connection: it connects again when an
    /// earlier message broke the connection. A failure before <paramref name="handingOver"/> ran means the
    /// destination never saw this message.
    /// </summary>
    Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct);
}
