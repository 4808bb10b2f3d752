using Microsoft.Extensions.Options;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;

namespace PestWorkflows.Host.Email;

/// <summary>Email: the outbox API, its handler, and where messages go (SMTP, or the local mailbox).</summary>
public static class EmailSetup
{
    /// <summary>Where the local mailbox is when <c>Email:MailboxPath</c> does not say: <c>mailbox/</c> beside the SQLite database.</summary>
    public static string DefaultMailboxFolder(DatabaseProvider provider, string connectionString)
    {
        if (provider != DatabaseProvider.Sqlite) return Path.GetFullPath(Path.Combine("data", "mailbox"));
        var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", "mailbox");
    }

    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration, DatabaseProvider provider, string connectionString)
    {
        services.AddTransient<IStartupFilter, MailboxOutsideDevelopment>();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        var folder = configuration["Email:MailboxPath"];
        services.AddSingleton(new LocalMailbox(string.IsNullOrWhiteSpace(folder) ? DefaultMailboxFolder(provider, connectionString) : Path.GetFullPath(folder)));
        services.AddSingleton<SmtpTransport>();
        services.AddSingleton<IEmailTransport>(sp => sp.GetRequiredService<IOptions<SmtpOptions>>().Value.SendsOverSmtp
            ? sp.GetRequiredService<SmtpTransport>()
            : sp.GetRequiredService<LocalMailbox>());
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<IOutboxHandler, EmailOutboxHandler>();
        services.AddOptions<EmailLinkOptions>().BindConfiguration(EmailLinkOptions.Section);
        services.AddSingleton<StaffEmails>();
        services.AddSingleton<DeadlineAlerts>();
        services.AddSingleton<IStepEffectHandler, NewTaskStaffEmails>();
        services.AddScoped<CaseEmails>();
        return services;
    }
}
