using Microsoft.Extensions.Options;
using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>
/// Sends through the SMTP server of <see cref="SmtpOptions"/> with MailKit: one connection per session
/// (a batch of the outbox), or per message through <see cref="SendAsync"/>.
/// </summary>
public sealed class SmtpTransport(IOptions<SmtpOptions> options) : IEmailTransport
{
    public async Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct)
    {
        await using var session = new SmtpSession(options.Value);
        await session.SendAsync(message, handingOver, ct);
    }

    public Task<IEmailSession> OpenSessionAsync(CancellationToken ct) => Task.FromResult<IEmailSession>(new SmtpSession(options.Value));

    public Task<bool?> HasAsync(string messageId, CancellationToken ct) => Task.FromResult<bool?>(null);
}
