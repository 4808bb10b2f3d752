using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// An SMTP server on loopback that greets and accepts the sender, then answers every recipient with
/// one fixed reply (e.g. <c>550 5.1.1 Mailbox unavailable</c>); netDumbster accepts everything.
/// </summary>
public sealed class RefusingSmtpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _recipientReply;
    private readonly CancellationTokenSource _stop = new();
    private int _recipients;

    public RefusingSmtpServer(string recipientReply)
    {
        _recipientReply = recipientReply;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int RecipientsRefused => _recipients;

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 localhost ESMTP test");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var command = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (command)
                {
                    case "EHLO":
                    case "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "MAIL":
                        await writer.WriteLineAsync("250 2.1.0 Ok");
                        break;
                    case "RCPT":
                        Interlocked.Increment(ref _recipients);
                        await writer.WriteLineAsync(_recipientReply);
                        break;
                    case "RSET":
                    case "NOOP":
                        await writer.WriteLineAsync("250 Ok");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
