using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using PestWorkflows.Activities;
using PestWorkflows.Host.Access;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PestWorkflows.Activities.Scheduling;
using PestWorkflows.Engine;
using PestWorkflows.Engine.Runtime;
using PestWorkflows.Host.Cases;
using PestWorkflows.Host.Data;
using PestWorkflows.Host.Diagnostics;
using PestWorkflows.Host.Email;
using PestWorkflows.Host.Identity;
using PestWorkflows.Host.Inbox;
using PestWorkflows.Host.Schools;
using PestWorkflows.Host.Designer;
using PestWorkflows.Host.Documents;
using PestWorkflows.Host.Health;
using PestWorkflows.Host.Security;
using PestWorkflows.Host.Import;
using PestWorkflows.Host.Workflows;
using PestWorkflows.Host.Reports;
using PestWorkflows.Host.Retention;

namespace PestWorkflows.Host;

/// <summary>The host's wiring: services, start-up work and endpoints.</summary>
public static class Extensions
{
    /// <summary>Where the host listens when neither <c>--urls</c>, <c>ASPNETCORE_URLS</c> nor Kestrel settings say.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Connection string used when <c>ConnectionStrings:Workflows</c> is not set (relative to the current directory).</summary>
    public const string DefaultConnectionString = "Data Source=data/pestworkflows.db";

    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        AddConfigurationDefaults(configuration);
        if (!HasConfiguredUrls(configuration))
            builder.WebHost.UseUrls(DefaultUrl);

        var provider = ReadProvider(configuration);
        var connectionString = configuration.GetConnectionString("Workflows");
        if (string.IsNullOrWhiteSpace(connectionString)) connectionString = DefaultConnectionString;
        builder.Services.AddWorkflowEngine(options =>
        {
            configuration.GetSection("Workflows").Bind(options);
            options.Provider = provider;
            options.ConnectionString = connectionString;
        });
        builder.Services.AddProtocolActivities(); // Elsa's built-ins plus the protocol's activities (workflows/pestprotocol.json)
        builder.Services.AddSingleton<ISchoolCalendarProvider, SchoolCalendarProvider>();
        builder.Services.AddSingleton<IStepEffectHandler, ProtocolEffectHandler>();
        builder.Services.AddSingleton<IStepEffectHandler, ParentsEmailHandler>();

        builder.Services.AddAppDatabase(provider, connectionString);
        builder.Services.AddEmail(configuration, provider, connectionString);
        builder.Services.AddStaffIdentity();
        builder.Services.AddSchoolSignIn(configuration);
        builder.Services.AddStaffPages();
        builder.AddSecurity();
        RefuseDemoOutsideDevelopment(configuration, builder.Environment);
        builder.Services.Configure<DemoOptions>(o =>
        {
            // Demo data is on in Development (what `dotnet run` uses) unless configured otherwise.
            o.Enabled = builder.Environment.IsDevelopment();
            configuration.GetSection("Demo").Bind(o);
        });
        builder.Services.AddScoped<DemoData>();
        builder.Services.AddScoped<DemoCaseHistory>();
        builder.Services.AddSingleton<SchoolProtocols>();
        builder.Services.AddScoped<CaseService>();
        builder.Services.AddScoped<Reports.ReportService>();
        builder.Services.AddScoped<TaskService>();
        builder.Services.AddScoped<Pupils.PupilService>();
        builder.Services.AddScoped<Pupils.AccessExport.AccessExportBuilder>();
        builder.Services.AddScoped<InboxService>();
        builder.Services.AddStaffAccess();
        builder.Services.AddAuditTrail();
        builder.Services.AddScoped<CaseAudit>();
        var documentsFolder = configuration["Documents:Path"] is { Length: > 0 } configured ? configured : DocumentFiles.DefaultFolder(provider, connectionString);
        builder.Services.AddSingleton(new DocumentFiles(documentsFolder, builder.Environment.WebRootPath));
        builder.Services.AddScoped<CaseDocuments>();
        builder.Services.AddHostedService<DocumentCleanup>();
        builder.Services.AddOptions<Retention.RetentionOptions>().BindConfiguration(Retention.RetentionOptions.Section);
        builder.Services.AddScoped<Retention.CaseRetention>();
        builder.Services.AddHostedService<Retention.RetentionWorker>();
        builder.Services.AddScoped<PasswordResets>();
        builder.Services.AddOptions<Import.PupilImportOptions>().BindConfiguration(Import.PupilImportOptions.Section);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<Import.PendingImports>();
        builder.Services.AddScoped<Import.PupilImporter>();

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemTitles.ToDutchOnStaffApi);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures become BadHttpRequestException in every environment, so the handler above
        // names what was wrong (otherwise production answers a bare 400 and Development a 500).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = RequestBodyLimits.Largest);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            // Host-wide, Elsa's API conventions: camelCase (the web default), enums as strings, nulls left out.
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // ASP.NET Core's default writes < > & ' as they are; text people typed (a "<script>" in a
            // description) is answered escaped, so no page that pastes it can run it. Dutch letters stay readable.
            options.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        });
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddSingleton<WorkflowDefinitionFiles>();
        builder.Services.AddSingleton<StudioFiles>();
        return builder;
    }

    /// <summary>
    /// Creates or migrates the database, logs where it is, and loads the definitions in the
    /// workflows folder. Runs before the host starts listening.
    /// </summary>
    public static async Task InitializeWorkflowsAsync(this WebApplication app, CancellationToken ct = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PestWorkflows.Host");
        var database = app.Services.GetRequiredService<DatabaseInitializer>();
        await database.InitializeAsync(ct);
        logger.LogInformation("Database: {Database}", database.Describe());
        logger.LogInformation("Case documents: {Folder}", app.Services.GetRequiredService<DocumentFiles>().Folder);

        var files = app.Services.GetRequiredService<WorkflowDefinitionFiles>();
        var folder = WorkflowDefinitionFiles.ResolveFolder(app.Configuration, app.Environment.ContentRootPath);
        if (folder is null)
            logger.LogWarning("No workflows folder found (set Workflows:DefinitionsPath); no definitions loaded from disk");
        else
            await files.LoadAsync(folder, ct);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.MigrateAsync(ct);
        var demo = scope.ServiceProvider.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (demo.Enabled && app.Environment.IsDevelopment())
            await scope.ServiceProvider.GetRequiredService<DemoData>().SeedAsync(demo, ct);
        await app.Services.GetRequiredService<SchoolProtocols>().EnsureAsync(db, ct);
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.UseSecurity();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimits();

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new { status = report.Status.ToString() }),
        }).AllowAnonymous();
        app.UseStaticFiles(); // wwwroot: the pages' stylesheet and script, open to everyone (no endpoint, so before the 404 below)
        // An unknown route is "not found" for everyone; the fallback policy would answer "sign in first".
        // (A catch-all endpoint would do the same but wins over body-optional endpoints called without a body.)
        app.Use((context, next) => context.GetEndpoint() is not null || SchoolSignIn.IsCallback(context) ? next(context)
            : context.Request.Path.StartsWithSegments("/elsa/api")
                ? TypedResults.Problem("This route does not exist.", statusCode: StatusCodes.Status404NotFound, title: "Not found").ExecuteAsync(context)
                : TypedResults.Problem(Problems.NotFound("Deze route bestaat niet.")).ExecuteAsync(context));
        app.UseStaffAuthentication();
        app.UseTwoFactorRequirement();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapStaffIdentity();
        app.MapSchoolSignIn();
        app.MapPupilsApi();
        app.MapPupilImportApi();
        app.MapCasesApi();
        app.MapReportsApi();
        app.MapTasksApi();
        app.MapDocumentsApi();
        app.MapCaseEmailsApi();
        app.MapAuditApi();
        app.MapRuntimeCountersApi();
        app.MapRetentionApi();
        app.MapElsaApi();
        app.MapStudioFiles();
        app.MapStaffPages();
        return app;
    }

    /// <summary>
    /// Defaults below every other source, so they hold when the host runs from a folder without
    /// appsettings.json (e.g. <c>dotnet path/to/PestWorkflows.Host.dll</c>) and are overridden by it.
    /// EF Core would otherwise log every SQL statement at Information.
    /// </summary>
    private static void AddConfigurationDefaults(ConfigurationManager configuration)
    {
        var defaults = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
            },
        };
        configuration.Sources.Insert(0, defaults);
    }

    /// <summary>
    /// Demo schools come with accounts that share one password; outside Development they would sit
    /// beside real schools' data. Refused before anything is created, so the host exits with the reason.
    /// </summary>
    private static void RefuseDemoOutsideDevelopment(IConfiguration configuration, IHostEnvironment environment)
    {
        var text = configuration["Demo:Enabled"];
        if (environment.IsDevelopment() || string.IsNullOrWhiteSpace(text)) return;
        if (!bool.TryParse(text.Trim(), out var enabled))
            throw new InvalidOperationException($"Demo:Enabled is '{text}'; use true or false.");
        if (enabled)
            throw new InvalidOperationException(
                $"Demo:Enabled is only allowed in Development; this host runs in '{environment.EnvironmentName}'. " +
                "Demo schools and accounts share one password and must never sit beside a school's real data. " +
                "Remove Demo:Enabled (or set it to false), or run with ASPNETCORE_ENVIRONMENT=Development.");
    }

    private static bool HasConfiguredUrls(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrWhiteSpace(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").Exists();

    private static DatabaseProvider ReadProvider(IConfiguration configuration)
    {
        var text = configuration["Database:Provider"];
        if (string.IsNullOrWhiteSpace(text)) return DatabaseProvider.Sqlite;
        var name = Enum.GetNames<DatabaseProvider>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"Database:Provider is '{text}'; use Sqlite or Postgres.");
        return Enum.Parse<DatabaseProvider>(name);
    }
}
