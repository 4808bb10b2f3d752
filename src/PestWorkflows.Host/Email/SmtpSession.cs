using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>
/// One SMTP connection for a batch: connected (and signed in) on the first message, reused for the next,
/// and opened again after a message broke it or the server refused one (so no half-finished transaction
/// carries over to the next message).
/// </summary>
internal sealed class SmtpSession(SmtpOptions smtp) : IEmailSession
{
    private HandoverSmtpClient? _client;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _unreachable;

    public async Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct)
    {
        var client = _client ??= new HandoverSmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            // A server that could not be reached is not tried again for every message of the batch (each try can take the whole timeout).
            _unreachable?.Throw();
            if (!client.IsConnected)
            {
                try
                {
                    await Connect();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _unreachable = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                    throw;
                }
            }
            async Task Connect()
            {
                await client.ConnectAsync(smtp.Host ?? throw new InvalidOperationException("Smtp:Host is not set."), smtp.EffectivePort, smtp.Security switch
                {
                    SmtpSecurity.None => SecureSocketOptions.None,
                    SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                    _ => SecureSocketOptions.StartTls,
                }, ct);
                if (!string.IsNullOrEmpty(smtp.User))
                    await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
            }
            client.HandingOver = handingOver;
            client.HandingOverToken = ct;
            await client.SendAsync(message, ct);
        }
        catch
        {
            // A refused message or a broken connection: the next message starts on a fresh one.
            client.HandingOver = null;
            await CloseAsync();
            throw;
        }
        finally
        {
            client.HandingOver = null;
        }
    }

    private async Task CloseAsync()
    {
        var client = _client;
        _client = null;
        if (client is null) return;
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(quit: true, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException or SmtpCommandException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // The messages before were accepted already; how the goodbye went does not change that.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
