using MailKit.Net.Smtp;
using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>
/// MailKit's client with one hook: <see cref="HandingOver"/> runs when the server has accepted the
/// recipient, which is after MAIL FROM, RCPT TO and DATA went out (pipelined when the server allows) and
/// before any byte of the message itself. A connection that breaks before that point never carried the
/// message, so the message is not "maybe delivered".
/// </summary>
internal sealed class HandoverSmtpClient : SmtpClient
{
    public Func<CancellationToken, Task>? HandingOver { get; set; }
    public CancellationToken HandingOverToken { get; set; }

    protected override void OnRecipientAccepted(MimeMessage message, MimeKit.MailboxAddress mailbox, SmtpResponse response)
    {
        base.OnRecipientAccepted(message, mailbox, response);
        var handingOver = HandingOver;
        HandingOver = null;
        // MailKit calls this synchronously, between reading the RCPT answer and writing the message: the
        // attempt must be recorded before it returns. Our emails have one recipient, so this runs once.
        handingOver?.Invoke(HandingOverToken).GetAwaiter().GetResult();
    }
}
