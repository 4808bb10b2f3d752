using PestWorkflows.Host;

// The pages' static files travel with the build output, so the host finds them from whatever folder
// it is started in (dotnet run keeps the repository root as the working folder, for data/).
// Settings are read once at start: watching appsettings*.json for changes watches the whole content root,
// which holds data/ by default, so every write to the database and the mailbox woke the watcher (measured:
// several percent of the host's CPU under load). A later argument or DOTNET_ variable can still turn it on.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.AddApplicationServices();

var app = builder.Build();
await app.InitializeWorkflowsAsync(); // database + migrations, one log line, workflows/*.json
app.MapApplicationEndpoints();

await app.RunAsync();

public partial class Program;
