using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PestWorkflows.Host.Email;

namespace PestWorkflows.Host.Tests.Email;

/// <summary>Where a staff email's link points when <c>Email:BaseUrl</c> is not set.</summary>
public sealed class StaffEmailWithoutBaseUrlTests
{
    private static readonly StaffNotice Notice = new(StaffNoticeKind.NewTask, "regenboog", "zaak-1", "taak-1", "Stap 1: signalen bespreken met de anti-pestcoördinator", null);
    private static readonly StaffRecipient Diana = new("u1", "apc@regenboog.test", "Diana de Wit");

    private static StaffEmails In(string environment, string? baseUrl = null, string? urls = null) => new(
        outbox: null!, Options.Create(new EmailLinkOptions { BaseUrl = baseUrl }),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build(),
        new HostingEnvironment { EnvironmentName = environment }, NullLogger<StaffEmails>.Instance);

    [Fact]
    public void Outside_Development_without_a_base_url_the_email_has_no_link_and_says_where_to_look()
    {
        var email = In(Environments.Production).Compose(Notice, Diana, "De Regenboog");
        Assert.DoesNotContain("http", email.TextBody);
        Assert.DoesNotContain("href", email.HtmlBody);
        Assert.Contains("Open PestWorkflows en kijk bij 'Mijn taken'.", email.TextBody);
    }

    [Fact]
    public void In_Development_without_a_base_url_the_link_points_where_the_host_listens()
    {
        Assert.Contains("http://127.0.0.1:5080/taken/taak-1", In(Environments.Development).Compose(Notice, Diana, "De Regenboog").TextBody);
        Assert.Contains("http://localhost:6000/taken/taak-1", In(Environments.Development, urls: "http://*:6000;https://*:6001").Compose(Notice, Diana, "De Regenboog").TextBody);
    }

    [Fact]
    public void A_configured_base_url_wins_everywhere()
    {
        Assert.Contains("https://pw.school.nl/taken/taak-1", In(Environments.Production, baseUrl: "https://pw.school.nl/").Compose(Notice, Diana, "De Regenboog").TextBody);
    }
}
