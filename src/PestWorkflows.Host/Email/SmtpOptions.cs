namespace PestWorkflows.Host.Email;

/// <summary>
/// The SMTP server emails go out through (section <c>Smtp</c>). Without <see cref="Host"/> nothing is
/// sent: messages land in the local mailbox (see <see cref="LocalMailbox"/>).
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    /// <summary>0: the usual port for <see cref="Security"/> (25, 587 or 465).</summary>
    public int Port { get; set; }
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? User { get; set; }
    public string? Password { get; set; }
    /// <summary>The sender of every email, e.g. <c>PestWorkflows &lt;noreply@school.nl&gt;</c>.</summary>
    public string From { get; set; } = "PestWorkflows <noreply@pestworkflows.local>";
    /// <summary>How long one SMTP command may take before the attempt counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool SendsOverSmtp => !string.IsNullOrWhiteSpace(Host);

    public int EffectivePort => Port != 0 ? Port : Security switch
    {
        SmtpSecurity.None => 25,
        SmtpSecurity.SslOnConnect => 465,
        _ => 587,
    };
}
