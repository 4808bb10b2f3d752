using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>Sends through the SMTP server of <see cref="SmtpOptions"/> with MailKit, one connection per message.</summary>
public sealed class SmtpTransport(IOptions<SmtpOptions> options) : IEmailTransport
{
    public async Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct)
    {
        var smtp = options.Value;
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Smtp:Host is not set."), smtp.EffectivePort, smtp.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        }, ct);
        if (!string.IsNullOrEmpty(smtp.User))
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        await handingOver(ct);
        await client.SendAsync(message, ct);
        try
        {
            await client.DisconnectAsync(quit: true, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException or SmtpCommandException)
        {
            // The server accepted the message already; how the goodbye went does not change that.
        }
    }

    public Task<bool?> HasAsync(string messageId, CancellationToken ct) => Task.FromResult<bool?>(null);
}
