using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>Settings for the school's identity provider that could never work, or would let strangers in, stop the start with the reason.</summary>
public sealed class SchoolSignInOptionsTests
{
    [Theory]
    [InlineData("https://login.microsoftonline.com/common/v2.0", "any Microsoft tenant")]
    [InlineData("https://login.microsoftonline.com/organizations/v2.0", "any Microsoft tenant")]
    [InlineData("http://idp.school.test", "must use https")]
    [InlineData("accounts.google.com", "no https address")]
    public void A_provider_that_anyone_could_sign_in_through_or_reached_insecurely_is_refused(string authority, string reason)
    {
        var options = new SchoolSignInOptions { Authority = authority, ClientId = "id" };
        Assert.Contains(reason, Assert.Throws<InvalidOperationException>(options.Validate).Message);
    }

    [Fact]
    public void An_authority_without_client_id_is_refused_and_no_authority_is_no_sign_in_at_all()
    {
        Assert.Contains("ClientId", Assert.Throws<InvalidOperationException>(new SchoolSignInOptions { Authority = "https://accounts.google.com" }.Validate).Message);
        var none = new SchoolSignInOptions();
        none.Validate();
        Assert.False(none.Enabled);
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/7d3c1a2b-0000-4000-8000-000000000001/v2.0")]
    [InlineData("https://accounts.google.com")]
    [InlineData("http://127.0.0.1:5443")]
    [InlineData("http://localhost:5443")]
    public void The_schools_own_tenant_Google_and_a_provider_on_this_machine_are_accepted(string authority)
    {
        var options = new SchoolSignInOptions { Authority = authority, ClientId = "id", Scopes = "email, profile" };
        options.Validate();
        Assert.Equal(["openid", "email", "profile"], options.ScopeList);
    }
}
