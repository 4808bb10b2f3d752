using PestWorkflows.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddApplicationServices();

var app = builder.Build();
await app.InitializeWorkflowsAsync(); // database + migrations, one log line, workflows/*.json
app.MapApplicationEndpoints();

await app.RunAsync();

public partial class Program;
