using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>
/// An SMTP server on loopback for the outbox's batches: counts connections, keeps the Message-Id of every
/// message it accepted, refuses the recipients <see cref="Refuse"/> names (550), and can drop the
/// connection once, at the <see cref="DropAtMessage"/>-th MAIL FROM (before the message's content) or right
/// after that message's content without answering it (<see cref="DropAfterContent"/>).
/// </summary>
public sealed class BatchSmtpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _connections;
    private int _mailFroms;
    private int _dropped;

    public BatchSmtpServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public Func<string, bool> Refuse { get; init; } = _ => false;
    public int DropAtMessage { get; init; }
    public bool DropAfterContent { get; init; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public int Connections => _connections;
    /// <summary>Message-Ids (without angle brackets) of the messages it answered 250 to, or received whole before dropping.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
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
            using var reader = new StreamReader(stream, Encoding.Latin1);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 localhost ESMTP test");
            var dropThis = false;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                switch (line.Split(' ', 2)[0].ToUpperInvariant())
                {
                    case "EHLO":
                    case "HELO":
                        await writer.WriteLineAsync("250 localhost");
                        break;
                    case "MAIL":
                        dropThis = Interlocked.Increment(ref _mailFroms) == DropAtMessage && Interlocked.Exchange(ref _dropped, 1) == 0;
                        if (dropThis && !DropAfterContent) return;
                        await writer.WriteLineAsync("250 2.1.0 Ok");
                        break;
                    case "RCPT":
                        await writer.WriteLineAsync(Refuse(line) ? "550 5.1.1 Mailbox unavailable" : "250 2.1.5 Ok");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        string? messageId = null;
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                            if (messageId is null && data.StartsWith("Message-Id:", StringComparison.OrdinalIgnoreCase))
                                messageId = data["Message-Id:".Length..].Trim().Trim('<', '>');
                        Received.Enqueue(messageId ?? "");
                        if (dropThis) return;
                        await writer.WriteLineAsync("250 2.0.0 Ok: queued");
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
