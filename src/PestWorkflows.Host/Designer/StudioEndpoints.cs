namespace PestWorkflows.Host.Designer;

/// <summary>Elsa Studio's files on the host's own origin: no CORS, no internet, the same cookie.</summary>
public static class StudioEndpoints
{
    public static IEndpointRouteBuilder MapStudioFiles(this IEndpointRouteBuilder app)
    {
        // The package's files are public (they are on npm); what they show comes from the API, which checks who asks.
        app.MapGet(StudioFiles.BasePath + "{**path}", (string path, HttpContext http, StudioFiles files) => files.Serve(http, path))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
