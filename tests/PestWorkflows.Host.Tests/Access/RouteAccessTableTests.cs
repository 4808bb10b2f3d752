using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;
using Xunit.Abstractions;

namespace PestWorkflows.Host.Tests.Access;

/// <summary>
/// Every route of the host (its <see cref="EndpointDataSource"/>: the staff API, the pages, Elsa's API for
/// the Studio, the Studio's files, the local mailbox) against a table of who must be refused, each tried
/// over real HTTP with real ids of a seeded case: nobody signed in, a wrong role, a staff member of the other
/// school, and a teacher with no part in the case. A route missing from the table fails the test.
/// </summary>
public sealed class RouteAccessTableTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SchoolApp _s = new();

    public async Task InitializeAsync() => await _s.As(HostApp.Teacher1);
    public async Task DisposeAsync() => await _s.DisposeAsync();

    /// <summary>Who must be refused on a route (401, 403, 404, or sent to the sign-in or access-denied page).</summary>
    /// <param name="Public">Anyone may call it, signed in or not.</param>
    /// <param name="WrongRoles">Accounts of the right school whose role does not give this route.</param>
    /// <param name="OtherSchool">The route is about a record of De Regenboog: De Vlinder's coordinator must not reach it.</param>
    /// <param name="Outsider">The route is about the case: a teacher of De Regenboog without a part in it must not reach it.</param>
    private sealed record Rule(bool Public = false, string[]? WrongRoles = null, bool OtherSchool = false, bool Outsider = false);

    private static readonly Rule Public = new(Public: true);
    /// <summary>Any signed-in account, for itself (its session, its password).</summary>
    private static readonly Rule SignedIn = new();
    /// <summary>Any staff member, within their own school (lists, search, reporting): only strangers are refused.</summary>
    private static readonly Rule Staff = new();
    /// <summary>One case (or its task, document): who may see the case.</summary>
    private static readonly Rule Case = new(OtherSchool: true, Outsider: true);
    /// <summary>A case's emails: coordinator, leader, admin; not the reporting teacher who sees the case.</summary>
    private static readonly Rule CaseEmails = new(WrongRoles: [HostApp.Teacher1], OtherSchool: true, Outsider: true);
    /// <summary>A case's audit: coordinator and leader only.</summary>
    private static readonly Rule CaseAudit = new(WrongRoles: [HostApp.Teacher1, HostApp.Admin], OtherSchool: true, Outsider: true);
    /// <summary>Handing a task over: coordinator and leader.</summary>
    private static readonly Rule AssignTask = new(WrongRoles: [HostApp.Admin], OtherSchool: true, Outsider: true);
    /// <summary>One pupil's record: the coordinator, leader, admin, and the teacher of the pupil's group.</summary>
    private static readonly Rule PupilRecord = new(OtherSchool: true, Outsider: true);
    /// <summary>An access request for one pupil: the coordinator and the leader of the pupil's school.</summary>
    private static readonly Rule PupilExport = new(WrongRoles: [HostApp.Teacher1, HostApp.Admin], OtherSchool: true, Outsider: true);
    /// <summary>Importing pupils and parents: the coordinator and the admin.</summary>
    private static readonly Rule ImportPupils = new(WrongRoles: [HostApp.Teacher1, HostApp.Leader]);
    /// <summary>The school's settings (the retention period): its admin.</summary>
    private static readonly Rule SchoolSettings = new(WrongRoles: [HostApp.Coordinator, HostApp.Leader, HostApp.Teacher1]);
    /// <summary>The designer (Elsa API, designer pages) without a record of the school: coordinator and admin, each in their own school.</summary>
    private static readonly Rule Designer = new(WrongRoles: [HostApp.Teacher1, HostApp.Leader]);
    /// <summary>The designer on one of De Regenboog's definitions or instances.</summary>
    private static readonly Rule DesignerRecord = new(WrongRoles: [HostApp.Teacher1, HostApp.Leader], OtherSchool: true, Outsider: true);
    /// <summary>The jaarevaluatie of the own school: coordinator, leader, admin.</summary>
    private static readonly Rule AnnualReport = new(WrongRoles: [HostApp.Teacher1]);
    /// <summary>The board's view of every school: the admin.</summary>
    private static readonly Rule BoardReport = new(WrongRoles: [HostApp.Teacher1, HostApp.Coordinator, HostApp.Leader]);
    /// <summary>The host process's runtime counters: any school's admin (nothing of a school in them).</summary>
    private static readonly Rule AdminOnly = new(WrongRoles: [HostApp.Coordinator, HostApp.Leader, HostApp.Teacher1]);
    /// <summary>The local mailbox: the admin, in Development only.</summary>
    private static readonly Rule Mailbox = new(WrongRoles: [HostApp.Coordinator, HostApp.Leader, HostApp.Teacher1], OtherSchool: true, Outsider: true);

    /// <summary>The expectations, keyed by method and route pattern. A new endpoint needs a line here.</summary>
    private static readonly Dictionary<string, Rule> Table = new()
    {
        ["GET /health"] = Public,
        // The Studio's files are public (they are the npm package); what they show comes from the Elsa API below.
        ["GET /designer/{**path}"] = Public,
        ["POST /api/auth/login"] = Public,
        ["POST /api/auth/refresh"] = Public,
        ["POST /api/auth/logout"] = SignedIn,
        ["GET /api/auth/manage/info"] = SignedIn,
        ["POST /api/auth/manage/info"] = SignedIn,
        ["POST /afmelden"] = Public, // signing out needs no account
        ["GET /inloggen"] = Public,
        ["GET /inloggen/code"] = Public, // the second step of signing in, before there is a session
        ["POST /inloggen/code"] = Public,
        ["GET /tweestapsverificatie"] = SignedIn,
        ["POST /tweestapsverificatie"] = SignedIn,
        ["POST /inloggen"] = Public,
        ["GET /wachtwoord-vergeten"] = Public,
        ["POST /wachtwoord-vergeten"] = Public,
        ["GET /wachtwoord-herstellen"] = Public,
        ["POST /wachtwoord-herstellen"] = Public,
        ["GET /geen-toegang"] = Public,
        // The second sign-in step: it only works with the first step's short-lived cookie.
        ["GET /scholen/{schoolId}/informatie-ouders"] = Public, // parents never sign in

        ["GET /api/pupils"] = Staff,
        ["GET /api/pupils/{id}/cases"] = PupilRecord,
        ["POST /api/pupils/import"] = ImportPupils,
        ["GET /api/reports/annual"] = AnnualReport,
        ["GET /api/pupils/{id}/access-export"] = PupilExport,
        ["GET /api/school/retention"] = SchoolSettings,
        ["PUT /api/school/retention"] = SchoolSettings,
        ["POST /api/cases"] = Staff,
        ["GET /api/cases"] = Staff,
        ["GET /api/cases/{id}"] = Case,
        ["GET /api/cases/{caseId}/audit"] = CaseAudit,
        ["POST /api/cases/{caseId}/documents"] = Case,
        ["GET /api/cases/{caseId}/documents/{documentId}"] = Case,
        ["GET /api/cases/{caseId}/emails"] = CaseEmails,
        ["GET /api/cases/{caseId}/emails/{emailId}"] = CaseEmails,
        ["GET /api/diagnostics/runtime"] = AdminOnly,
        ["GET /api/tasks"] = Staff,
        ["GET /api/tasks/{id}"] = Case,
        ["POST /api/tasks/{id}/claim"] = Case,
        ["POST /api/tasks/{id}/release"] = Case,
        ["POST /api/tasks/{id}/assign"] = AssignTask,
        ["POST /api/tasks/{id}/complete"] = Case,
        ["POST /elsa/api/tasks/{id}/complete"] = Case,

        ["GET /"] = Staff,
        ["POST /"] = Staff,
        ["GET /melden"] = Staff,
        ["POST /melden"] = Staff,
        ["GET /melden/gemeld/{id}"] = Case,
        ["GET /zaken"] = Staff,
        ["GET /zaken/{id}"] = Case,
        ["GET /zaken/{id}/audit"] = CaseAudit,
        ["GET /zaken/{caseId}/documenten/{documentId}"] = Case,
        ["GET /zaken/{caseId}/emails/{emailId}"] = CaseEmails,
        ["POST /zaken/{caseId}/emails/{emailId}"] = CaseEmails,
        ["GET /taken/{id}"] = Case,
        ["POST /taken/{id}"] = Case,
        ["GET /leerlingen"] = Staff,
        ["GET /leerlingen/{pupilId}"] = PupilRecord,
        ["GET /leerlingen/importeren"] = ImportPupils,
        ["POST /leerlingen/importeren"] = ImportPupils,
        ["GET /rapportage/jaarevaluatie"] = AnnualReport,
        ["GET /rapportage/bestuur"] = BoardReport,
        ["GET /leerlingen/{pupilId}/inzage.zip"] = PupilExport,
        ["GET /instellingen/bewaartermijn"] = SchoolSettings,
        ["POST /instellingen/bewaartermijn"] = SchoolSettings,
        ["GET /designer/{view:regex(^(werkstroom|zaken)$)?}/{id?}"] = DesignerRecord,
        ["GET /dev/mailbox/{id?}"] = Mailbox,

        ["GET /elsa/api/workflow-definitions"] = Designer,
        ["GET /elsa/api/workflow-definitions/validation/is-name-unique"] = Designer,
        ["GET /elsa/api/workflow-definitions/by-definition-id/{definitionId}"] = DesignerRecord,
        ["GET /elsa/api/workflow-definitions/by-id/{id}"] = DesignerRecord,
        ["GET /elsa/api/workflow-definitions/{definitionId}"] = DesignerRecord,
        ["GET /elsa/api/workflow-definitions/{definitionId}/export"] = DesignerRecord,
        ["POST /elsa/api/workflow-definitions"] = Designer,
        ["POST /elsa/api/workflow-definitions/import"] = Designer,
        ["POST /elsa/api/workflow-definitions/{definitionId}/publish"] = DesignerRecord,
        ["POST /elsa/api/workflow-definitions/{definitionId}/retract"] = DesignerRecord,
        ["POST /elsa/api/workflow-definitions/{definitionId}/revert/{version:int}"] = DesignerRecord,
        ["DELETE /elsa/api/workflow-definitions/{definitionId}"] = DesignerRecord,
        ["POST /elsa/api/workflow-definitions/{definitionId}/execute"] = DesignerRecord,
        ["POST /elsa/api/bulk-actions/publish/workflow-definitions/by-definition-ids"] = Designer,
        ["POST /elsa/api/bulk-actions/retract/workflow-definitions/by-definition-ids"] = Designer,
        ["POST /elsa/api/bulk-actions/delete/workflow-definitions/by-definition-id"] = Designer,
        ["GET /elsa/api/workflow-instances"] = Designer,
        ["POST /elsa/api/workflow-instances"] = Designer,
        ["GET /elsa/api/workflow-instances/{id}"] = DesignerRecord,
        ["GET /elsa/api/workflow-instances/{id}/execution-state"] = DesignerRecord,
        ["GET /elsa/api/workflow-instances/{id}/variables"] = DesignerRecord,
        ["GET /elsa/api/workflow-instances/{id}/export"] = DesignerRecord,
        ["DELETE /elsa/api/workflow-instances/{id}"] = DesignerRecord,
        ["GET /elsa/api/workflow-instances/{id}/journal"] = DesignerRecord,
        ["POST /elsa/api/workflow-instances/{id}/journal"] = DesignerRecord,
        ["POST /elsa/api/cancel/workflow-instances/{id}"] = DesignerRecord,
        ["POST /elsa/api/bulk-actions/cancel/workflow-instances"] = Designer,
        ["POST /elsa/api/bulk-actions/delete/workflow-instances"] = Designer,
        ["POST /elsa/api/bulk-actions/delete/workflow-instances/by-id"] = Designer,
        ["GET /elsa/api/activity-executions/list"] = Designer,
        ["GET /elsa/api/activity-executions/by-id"] = Designer,
        ["GET /elsa/api/activity-executions/{id}/call-stack"] = DesignerRecord,
        ["POST /elsa/api/activity-executions/report"] = Designer,
        ["GET /elsa/api/activity-execution-summaries/list"] = Designer,
        ["POST /elsa/api/events/{eventName}/trigger"] = Designer,
        ["GET /elsa/api/descriptors/activities"] = Designer,
        ["GET /elsa/api/descriptors/expression-descriptors"] = Designer,
        ["GET /elsa/api/descriptors/variables"] = Designer,
        ["GET /elsa/api/descriptors/storage-drivers"] = Designer,
        ["GET /elsa/api/descriptors/incident-strategies"] = Designer,
        ["GET /elsa/api/descriptors/workflow-activation-strategies"] = Designer,
        ["GET /elsa/api/descriptors/log-persistence-strategies"] = Designer,
        ["GET /elsa/api/descriptors/commit-strategies/workflows"] = Designer,
        ["GET /elsa/api/descriptors/commit-strategies/activities"] = Designer,
        ["GET /elsa/api/features/installed"] = Designer,
        ["GET /elsa/api/package/version"] = Designer,
    };

    private sealed record Route(string Method, string Pattern, RoutePattern Parsed, bool IsApi)
    {
        public string Key => $"{Method} {Pattern}";
    }

    /// <summary>Every route and method; pages answer GET, and POST where their model has a post handler.</summary>
    private List<Route> Routes()
    {
        var postPages = PostPageTemplates();
        return _s.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e =>
            {
                var pattern = Normalize(e.RoutePattern.RawText ?? "");
                var methods = e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods
                    ?? (postPages.Contains(pattern) ? ["GET", "POST"] : ["GET"]);
                return methods.Where(m => m != "HEAD" && m != "OPTIONS").Select(m => new Route(m, pattern, e.RoutePattern, EndpointPaths.IsApi(e)));
            })
            .DistinctBy(r => r.Key)
            .ToList();
    }

    private static string Normalize(string pattern) => "/" + pattern.Trim('/');

    /// <summary>The route templates of the pages whose model has an OnPost handler (from the compiled views).</summary>
    private static HashSet<string> PostPageTemplates() =>
        typeof(Program).Assembly.GetTypes()
            .Select(t => (Type: t, Template: t.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().FirstOrDefault(a => a.Key == "RouteTemplate")?.Value))
            .Where(x => x.Template is not null)
            .Where(x => x.Type.GetProperty("Model")?.PropertyType is { } model
                && model.GetMethods().Any(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal)))
            .Select(x => Normalize(x.Template!))
            .ToHashSet();

    [Fact]
    public async Task Every_route_refuses_strangers_wrong_roles_the_other_school_and_teachers_without_a_part()
    {
        var routes = Routes();
        var missing = routes.Where(r => !Table.ContainsKey(r.Key)).Select(r => r.Key).ToList();
        Assert.True(missing.Count == 0,
            "A new endpoint without a rule: add it to RouteAccessTableTests.Table with who must be refused:\n" + string.Join("\n", missing));
        var gone = Table.Keys.Except(routes.Select(r => r.Key)).ToList();
        Assert.True(gone.Count == 0, "Rules for routes the host no longer has (remove them):\n" + string.Join("\n", gone));

        var ids = await SeedAsync();
        using var callers = new Callers(_s.App);
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var rule = Table[route.Key];
            if (rule.Public) continue;
            var path = Fill(route.Parsed, name => ids.For(route.Pattern, name));
            List<(string Who, string? Email)> refused = [("nobody signed in", null)];
            refused.AddRange((rule.WrongRoles ?? []).Select(e => ($"wrong role ({e})", (string?)e)));
            if (rule.OtherSchool) refused.Add(("the other school", HostApp.OtherCoordinator));
            if (rule.Outsider) refused.Add(("a teacher without a part", HostApp.Teacher2));
            foreach (var (who, email) in refused)
            {
                var (status, location) = await callers.SendAsync(email, route.IsApi, route.Method, path);
                var wasRefused = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound
                    || (status is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found
                        && location is { } to && (to.StartsWith("/inloggen", StringComparison.Ordinal) || to.StartsWith("/geen-toegang", StringComparison.Ordinal)));
                output.WriteLine($"{(int)status} {route.Method} {path} as {who}");
                if (!wasRefused) failures.Add($"{route.Key} ({path}) as {who}: {(int)status} {location}");
            }
        }
        Assert.True(failures.Count == 0, "Not refused:\n" + string.Join("\n", failures));
    }

    /// <summary>Real ids: a case of De Regenboog reported by teacher 1 about a pupil of her group, with its task, a linked document and its emails.</summary>
    private async Task<Ids> SeedAsync()
    {
        var pupils = await _s.PupilsAsync(HostApp.Teacher1, "Groep 5");
        var pupilId = (string)pupils[0]["id"]!;
        var created = await _s.ReportAsync(HostApp.Teacher1, SchoolApp.Signal((pupilId, "Bullied")));
        var caseId = (string)created["id"]!;
        var instanceId = (string)created["workflowInstanceId"]!;
        var taskId = (string)(await _s.TaskAsync(HostApp.Coordinator, caseId, "Pestprotocol.DiscussWithCoordinator"))["id"]!;

        await using var scope = _s.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var documentId = Guid.NewGuid().ToString("N");
        var (size, sha) = await scope.ServiceProvider.GetRequiredService<DocumentFiles>().WriteAsync(documentId, new MemoryStream("%PDF-1.4\n%%EOF\n"u8.ToArray()), CancellationToken.None);
        db.Documents.Add(new CaseDocument
        {
            Id = documentId, CaseId = caseId, SchoolId = "regenboog", TaskId = taskId, FieldName = "nadenkvel", FileName = "nadenkvel.pdf",
            ContentType = "application/pdf", Size = size, Sha256 = sha, UploadedByUserId = "seed", UploadedAt = _s.App.Clock.GetUtcNow(),
        });
        await db.SaveChangesAsync();
        var emailId = await db.Emails.Where(e => e.CaseId == caseId).Select(e => e.Id).FirstOrDefaultAsync();
        Assert.True(emailId is not null, "the case has an email (the coordinator's new task)");
        // The mailbox names a message after its Message-Id (LocalMailbox); the background sender may still be writing it.
        var messageId = await db.Emails.Where(e => e.Id == emailId).Select(e => e.MessageId).SingleAsync();
        var message = new string(messageId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return new Ids(caseId, taskId, instanceId, pupilId, documentId, emailId!, message, Host.Schools.SchoolProtocols.CopyIdOf("regenboog"));
    }

    private sealed record Ids(string Case, string Task, string Instance, string Pupil, string Document, string Email, string MailboxMessage, string Definition)
    {
        public string For(string pattern, string name) => (name, pattern) switch
        {
            ("caseId", _) => Case,
            ("documentId", _) => Document,
            ("emailId", _) => Email,
            ("pupilId", _) => Pupil,
            ("definitionId", _) => Definition,
            ("version", _) => "1",
            ("eventName", _) => "Ping",
            ("schoolId", _) => "regenboog",
            ("view", _) => "zaken",
            ("path", _) => "index.html",
            ("id", var p) when p.StartsWith("/dev/mailbox", StringComparison.Ordinal) => MailboxMessage,
            ("id", var p) when p.Contains("/workflow-instances", StringComparison.Ordinal) || p.StartsWith("/designer", StringComparison.Ordinal) => Instance,
            ("id", var p) when p.Contains("/by-id", StringComparison.Ordinal) => Definition + ":1",
            ("id", var p) when p.Contains("/tasks", StringComparison.Ordinal) || p.StartsWith("/taken", StringComparison.Ordinal) => Task,
            ("id", var p) when p.Contains("/pupils", StringComparison.Ordinal) => Pupil,
            ("id", var p) when p.Contains("/cases", StringComparison.Ordinal) || p.StartsWith("/zaken", StringComparison.Ordinal) || p.StartsWith("/melden", StringComparison.Ordinal) => Case,
            _ => "bestaat-niet",
        };
    }

    /// <summary>The path with every parameter (catch-alls and optional ones too) filled.</summary>
    private static string Fill(RoutePattern pattern, Func<string, string> value) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => Uri.EscapeDataString(value(parameter.Name)),
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));

    /// <summary>
    /// One client per caller and kind: the API with a bearer token, the pages with the sign-in cookie (and a
    /// form's anti-forgery token on a POST, so what answers is the access check, not the missing token).
    /// </summary>
    private sealed class Callers(HostApp app) : IDisposable
    {
        private readonly Dictionary<(string?, bool), HttpClient> _clients = new();

        public async Task<(HttpStatusCode Status, string? Location)> SendAsync(string? email, bool api, string method, string path)
        {
            var client = await ClientAsync(email, api);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method != "GET" && method != "DELETE")
                request.Content = api
                    ? HttpJson.Text("{}")
                    : new FormUrlEncodedContent([new("__RequestVerificationToken", await TokenAsync(client, email))]);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, response.Headers.Location?.OriginalString is { } to ? new Uri(new Uri("https://localhost"), to).PathAndQuery : null);
        }

        public void Dispose()
        {
            foreach (var client in _clients.Values) client.Dispose();
        }

        private static async Task<string> TokenAsync(HttpClient client, string? email)
        {
            using var page = await client.GetAsync(email is null ? "/inloggen" : "/melden");
            return PageSession.Token(await page.Content.ReadAsStringAsync());
        }

        private async Task<HttpClient> ClientAsync(string? email, bool api)
        {
            if (_clients.TryGetValue((email, api), out var known)) return known;
            var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
            if (email is not null && api)
            {
                var login = await client.PostJsonAsync("/api/auth/login", new System.Text.Json.Nodes.JsonObject { ["email"] = email, ["password"] = HostApp.Password });
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)login["accessToken"]!);
            }
            else if (email is not null)
            {
                using var form = await client.GetAsync("/inloggen");
                var token = PageSession.Token(await form.Content.ReadAsStringAsync());
                using var signedIn = await client.PostAsync("/inloggen", new FormUrlEncodedContent(
                    [new("Email", email), new("Password", HostApp.Password), new("__RequestVerificationToken", token)]));
                Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign in as {email}: {(int)signedIn.StatusCode}");
            }
            return _clients[(email, api)] = client;
        }
    }
}
