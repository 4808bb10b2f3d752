namespace PestWorkflows.Host.Email;

/// <summary>A file sent with an <see cref="EmailMessage"/> (the .ics of an invitation), kept with it so every attempt sends the same bytes.</summary>
public sealed class EmailAttachment
{
    public long Id { get; set; }
    public string EmailId { get; set; } = "";
    public string FileName { get; set; } = "";
    /// <summary>The MIME type with its parameters, e.g. <c>text/calendar; method=PUBLISH</c>.</summary>
    public string ContentType { get; set; } = "";
    public byte[] Content { get; set; } = [];
}
