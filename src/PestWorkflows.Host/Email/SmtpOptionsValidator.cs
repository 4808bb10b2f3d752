using Microsoft.Extensions.Options;
using MimeKit;

namespace PestWorkflows.Host.Email;

/// <summary>Refuses SMTP settings that could never send, at start rather than at the first email.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var errors = new List<string>();
        if (!MailboxAddress.TryParse(options.From, out _))
            errors.Add($"Smtp:From '{options.From}' is not an email address (e.g. \"School <noreply@school.nl>\").");
        if (options.Port is < 0 or > 65535)
            errors.Add($"Smtp:Port {options.Port} is not a port (1-65535; 0 for the usual port of Smtp:Security).");
        if (string.IsNullOrEmpty(options.User) != string.IsNullOrEmpty(options.Password))
            errors.Add("Smtp:User and Smtp:Password go together: set both, or neither.");
        if (options.Timeout <= TimeSpan.Zero)
            errors.Add("Smtp:Timeout must be positive.");
        if (!options.SendsOverSmtp && !string.IsNullOrEmpty(options.User))
            errors.Add("Smtp:User is set but Smtp:Host is not.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
