using PestWorkflows.Host;

// The pages' static files travel with the build output, so the host finds them from whatever folder
// it is started in (dotnet run keeps the repository root as the working folder, for data/).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.AddApplicationServices();

var app = builder.Build();
await app.InitializeWorkflowsAsync(); // database + migrations, one log line, workflows/*.json
app.MapApplicationEndpoints();

await app.RunAsync();

public partial class Program;
