using PestWorkflows.Host.Designer;

namespace PestWorkflows.Host.Security;

/// <summary>
/// Headers on every response, also errors and static files: no framing, no content sniffing, no
/// referrer (addresses carry case and pupil ids), and a Content-Security-Policy. Staff pages run only
/// the host's own scripts and styles; the designer (Elsa Studio, Blazor WebAssembly with Monaco and
/// MudBlazor) needs to compile WebAssembly, inline styles and its own workers, so it gets a wider policy.
/// </summary>
public static class SecurityHeaders
{
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The one inline script Elsa Studio 3.8.2 inserts (through blazor.webassembly.js) is allowed by its
    /// hash, not by 'unsafe-inline'; a Studio upgrade that changes it shows as a CSP error in the designer's
    /// browser tests, which name the new hash.
    /// </summary>
    public const string DesignerPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-snlP1jz0gjwc5cTz9ErZcliXuCK63+Mmf68RRCeptgc='; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // At the start of the response, so an exception handler that clears the headers cannot drop them.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = IsDesigner(context.Request.Path) ? DesignerPolicy : PagePolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });

    private static bool IsDesigner(PathString path) =>
        path.StartsWithSegments("/designer") || path.StartsWithSegments(StudioFiles.BasePath.TrimEnd('/'));
}
