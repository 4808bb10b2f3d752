using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>
/// The mailbox emails go to when no SMTP server is configured: one <c>.eml</c> file per message in a
/// folder (by default <c>mailbox/</c> beside the database), shown at <c>/dev/mailbox</c>. A file is
/// named after the message id and written under a temporary name first, so a file that exists holds
/// the whole message, and the outbox can tell after a crash whether it was delivered.
/// </summary>
public sealed class LocalMailbox(string folder) : IEmailTransport
{
    public string Folder { get; } = folder;

    public async Task SendAsync(MimeMessage message, Func<CancellationToken, Task> handingOver, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        await handingOver(ct);
        var path = PathOf(message.MessageId ?? throw new InvalidOperationException("A message for the mailbox needs a Message-Id."));
        var temporary = path + ".tmp";
        await using (var file = File.Create(temporary))
        {
            await message.WriteToAsync(file, ct);
            await file.FlushAsync(ct);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public Task<bool?> HasAsync(string messageId, CancellationToken ct) => Task.FromResult<bool?>(File.Exists(PathOf(messageId)));

    /// <summary>The messages, newest first.</summary>
    public async Task<IReadOnlyList<(string Id, MimeMessage Message)>> ListAsync(CancellationToken ct)
    {
        if (!Directory.Exists(Folder)) return [];
        var messages = new List<(string, MimeMessage)>();
        foreach (var path in Directory.EnumerateFiles(Folder, "*.eml"))
            messages.Add((Path.GetFileNameWithoutExtension(path), await MimeMessage.LoadAsync(path, ct)));
        return messages.OrderByDescending(m => m.Item2.Date).ToList();
    }

    /// <summary>One message by the id <see cref="ListAsync"/> gave; null when there is none.</summary>
    public async Task<MimeMessage?> ReadAsync(string id, CancellationToken ct)
    {
        if (id.Length == 0 || id.Any(c => !IsFileNameChar(c))) return null;
        var path = Path.Combine(Folder, id + ".eml");
        return File.Exists(path) ? await MimeMessage.LoadAsync(path, ct) : null;
    }

    private string PathOf(string messageId) =>
        Path.Combine(Folder, new string(messageId.Select(c => IsFileNameChar(c) ? c : '_').ToArray()) + ".eml");

    private static bool IsFileNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
