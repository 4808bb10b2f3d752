namespace PestWorkflows.Host.Security;

/// <summary>The host's hardening in one place: proxy, headers, HTTPS and HSTS outside Development, rate limits.</summary>
public static class SecuritySetup
{
    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddProxySettings(builder.Configuration);
        builder.Services.AddStaffRateLimiting();
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        // ASP.NET Core's "Request starting/finished" lines carry the query string, and a pupil search
        // carries a name (?search=...): they stay off even when everything else logs at Debug.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        return builder;
    }

    /// <summary>First in the pipeline: the forwarded scheme and address count for everything after.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        app.UseProxySettings();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            // Health probes of a load balancer often speak plain HTTP inside the network.
            app.UseWhen(context => !context.Request.Path.StartsWithSegments("/health"), branch => branch.UseHttpsRedirection());
        }
        return app;
    }
}
