using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Activities.Tasks;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Tests.Infrastructure;

namespace PestWorkflows.Host.Tests.Identity;

/// <summary>Accounts are made by the school; only staff members of a school with a role get in.</summary>
public sealed class AccountTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private HostApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new HostApp(_database);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private async Task<HttpStatusCode> LoginStatusAsync(string email, string password)
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/api/auth/login", HttpJson.Content(new JsonObject { ["email"] = email, ["password"] = password }));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_visitor_cannot_make_an_account()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/api/auth/register",
            HttpJson.Content(new JsonObject { ["email"] = "indringer@example.test", ["password"] = "Indringer-wachtwoord-1!" }));

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"register answered {(int)response.StatusCode}");
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginStatusAsync("indringer@example.test", "Indringer-wachtwoord-1!"));
    }

    [Theory]
    [InlineData("", StaffRoles.Coordinator)] // no school
    [InlineData("regenboog", null)]          // no role
    public async Task An_account_without_a_school_or_a_role_is_refused(string schoolId, string? role)
    {
        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var user = new StaffUser { UserName = "los@regenboog.test", Email = "los@regenboog.test", DisplayName = "Los", SchoolId = schoolId };
            Assert.True((await users.CreateAsync(user, HostApp.Password)).Succeeded);
            if (role is not null) await users.AddToRoleAsync(user, role);
        }
        using var client = await _app.LoginAsync("los@regenboog.test");

        foreach (var url in new[] { "/api/cases", "/api/pupils", "/api/tasks", "/elsa/api/workflow-definitions" })
        {
            using var response = await client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET {url}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Without_signing_in_only_login_refresh_and_health_answer_and_pages_send_to_the_sign_in_page()
    {
        var open = new HashSet<string>
        {
            "POST /api/auth/login", "POST /api/auth/refresh", "GET /health",
            // The pages a person needs before signing in, and signing out (which checks its form's token).
            "GET /inloggen", "GET /geen-toegang", "POST /afmelden",
            // The code after the password (it needs the short-lived cookie the password step left).
            "GET /inloggen/code",
            // Forgot password: asking for a link and using it.
            "GET /wachtwoord-vergeten", "GET /wachtwoord-herstellen",
            // The school's letter to parents (parents never sign in).
            "GET /scholen/{schoolId}/informatie-ouders",
        };
        using var anonymous = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            // Route constraints: the designer pages take a view name, a revert a version number; other ids are ones nobody has.
            var path = EndpointPaths.Fill(endpoint.RoutePattern, name => name switch { "view" => "zaken", "version" => "1", _ => "bestaat-niet" });
            if (path is null) continue; // the catch-all for unknown routes
            foreach (var method in methods)
            {
                var name = $"{method} /{endpoint.RoutePattern.RawText!.Trim('/')}"; // pages' patterns have no leading slash
                var isOpen = open.Contains(name);
                Assert.Equal(isOpen, endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null);
                if (isOpen) continue;
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : HttpJson.Text("{}") };
                using var response = await anonymous.SendAsync(request);
                if (EndpointPaths.IsApi(endpoint))
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{name} without signing in: {(int)response.StatusCode}");
                else
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath == "/inloggen",
                        $"{name} without signing in: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
    }

    [Fact]
    public async Task A_signed_in_person_reads_their_own_account()
    {
        using var client = await _app.LoginAsync(HostApp.Teacher1);
        var info = await client.GetJsonAsync("/api/auth/manage/info");
        Assert.Equal(HostApp.Teacher1, (string?)info["email"]);
        Assert.Equal("Karin Smit", (string?)info["displayName"]);
        Assert.Equal([StaffRoles.Teacher], info["roles"]!.AsArray().Select(r => (string)r!).ToArray());
    }
}
