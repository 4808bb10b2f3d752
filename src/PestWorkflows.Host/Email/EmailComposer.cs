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
        MimeEntity body = text;
        if (email.HtmlBody is not null)
        {
            var html = new TextPart(TextFormat.Html);
            html.SetText("utf-8", email.HtmlBody);
            body = new MultipartAlternative { text, html };
        }
        if (email.Attachments.Count == 0)
        {
            message.Body = body;
            return message;
        }
        var mixed = new Multipart("mixed") { body };
        foreach (var attachment in email.Attachments.OrderBy(a => a.Id))
            mixed.Add(new MimePart(ContentType.Parse(attachment.ContentType))
            {
                Content = new MimeContent(new MemoryStream(attachment.Content)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.FileName,
            });
        message.Body = mixed;
        return message;
    }
}
