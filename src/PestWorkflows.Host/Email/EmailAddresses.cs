namespace PestWorkflows.Host.Email;

/// <summary>What counts as an address an email can be delivered to, in one place: a typed-in correction, a guardian's address, an MDO guest.</summary>
public static class EmailAddresses
{
    /// <summary>The longest address SMTP carries (RFC 5321 path limit).</summary>
    public const int MaxLength = 254;

    /// <summary>
    /// A bare, whole address with a domain that has a dot: no display name, no spaces. MimeKit alone also
    /// takes a bare local part ("jan"), which no server delivers.
    /// </summary>
    public static bool IsDeliverable(string? value) =>
        value is { Length: > 0 and <= MaxLength }
        && !value.Any(char.IsWhiteSpace)
        && System.Net.Mail.MailAddress.TryCreate(value, out var parsed)
        && parsed.Address == value && parsed.DisplayName.Length == 0
        && parsed.Host.Contains('.') && !parsed.Host.EndsWith('.');
}
