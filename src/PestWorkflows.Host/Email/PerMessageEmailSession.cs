using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>A session for a transport that has none of its own: each message is sent on its own.</summary>
internal sealed class PerMessageEmailSession(IEmailTransport transport) : IEmailSession
{
    public Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct) =>
        transport.SendAsync(message, handingOver, ct);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
