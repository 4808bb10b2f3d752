using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PestWorkflows.Bench;

/// <summary>
/// The smallest SMTP server MailKit accepts, on loopback: answers every command with success, reads
/// DATA up to the lone dot and counts the message. It parses and stores nothing, so it is never the
/// bottleneck of what the email part measures (netDumbster parses and keeps each message).
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private long _received;
    private long _bytes;
    private long _connections;

    public SmtpSink()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public long Received => Interlocked.Read(ref _received);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Waits until <paramref name="count"/> messages have been received in all.</summary>
    public async Task WaitForAsync(long count, CancellationToken ct)
    {
        // Polled: the wait ends a fraction of a millisecond late at most, on a run of seconds.
        while (Received < count)
            await Task.Delay(1, ct);
    }

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
        client.NoDelay = true;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1, false, 16 * 1024);
            await using var writer = new StreamWriter(stream, Encoding.ASCII, 1024) { NewLine = "\r\n", AutoFlush = false };
            async Task Reply(string text) { await writer.WriteAsync(text); await writer.WriteAsync("\r\n"); await writer.FlushAsync(); }

            await Reply("220 localhost bench sink");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await Reply("250-localhost\r\n250-8BITMIME\r\n250 SIZE 52428800");
                        break;
                    case "DATA":
                        await Reply("354 end with <CRLF>.<CRLF>");
                        long size = 0;
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                            size += data.Length + 2;
                        Interlocked.Add(ref _bytes, size);
                        Interlocked.Increment(ref _received);
                        await Reply("250 queued");
                        break;
                    case "QUIT":
                        await Reply("221 bye");
                        return;
                    default:
                        await Reply("250 ok");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
