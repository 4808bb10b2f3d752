using MimeKit;
using MimeKit.Text;

namespace PestWorkflows.Host.Email;

/// <summary>Turns an <see cref="EmailMessage"/> into the MIME message that is sent: the same bytes on every attempt.</summary>
public static class EmailComposer
{
    public static MimeMessage Compose(EmailMessage email)
    {
        var message = new MimeMessage
        {
            MessageId = email.MessageId,
            Date = email.CreatedAt,
            Subject = email.Subject,
        };
        message.From.Add(MailboxAddress.Parse(email.From));
        message.To.Add(new MailboxAddress(email.ToName ?? "", email.To));
        if (!string.IsNullOrWhiteSpace(email.ReplyTo)) message.ReplyTo.Add(MailboxAddress.Parse(email.ReplyTo));

        var text = new TextPart(TextFormat.Plain);
        text.SetText("utf-8", email.TextBody);
        if (email.HtmlBody is null)
        {
            message.Body = text;
            return message;
        }
        var html = new TextPart(TextFormat.Html);
        html.SetText("utf-8", email.HtmlBody);
        message.Body = new MultipartAlternative { text, html };
        return message;
    }
}
