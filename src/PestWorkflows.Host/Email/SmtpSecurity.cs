namespace PestWorkflows.Host.Email;

/// <summary>How the connection to the SMTP server is secured (<c>Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text (a relay on the same machine or network only).</summary>
    None,
    /// <summary>Plain connect, then STARTTLS, which must succeed (port 587).</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}
