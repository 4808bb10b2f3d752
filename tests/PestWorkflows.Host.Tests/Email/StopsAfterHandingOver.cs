using MimeKit;
using PestWorkflows.Host.Email;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// What the outbox sees of a process that died while sending: the attempt is recorded, then the call
/// never returns, either after the destination got the message or (<paramref name="deliver"/> false) before.
/// </summary>
internal sealed class StopsAfterHandingOver(IEmailTransport inner, bool deliver = true) : IEmailTransport
{
    public async Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct)
    {
        if (deliver) await inner.SendAsync(message, handingOver, ct);
        else await handingOver(ct);
        await new TaskCompletionSource().Task;
    }

    public Task<bool?> HasAsync(string messageId, CancellationToken ct) => inner.HasAsync(messageId, ct);
}
