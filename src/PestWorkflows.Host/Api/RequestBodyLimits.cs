using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace PestWorkflows.Host.Api;

/// <summary>
/// Caps what a request may carry, per endpoint (<see cref="RequestBodyLimit"/> metadata), and answers
/// a larger body with 413 problem+json before any handler reads it. A body without a length is read
/// up to the cap first, so no handler ever sees more than its cap, on Kestrel or the test server.
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>Sign-in, refresh and account routes.</summary>
    public const long Auth = 16 * 1024;
    /// <summary>The staff API: a signal (4000-character description, 30 pupils) or a completed task form.</summary>
    public const long StaffApi = 128 * 1024;
    /// <summary>The Elsa API, except definition saves.</summary>
    public const long ElsaApi = 1024 * 1024;
    /// <summary>A workflow definition saved from the designer.</summary>
    public const long DefinitionSave = 4 * 1024 * 1024;
    /// <summary>
    /// A case document (the task page's form with its file, or the API's upload): the document's own
    /// limit plus room for the form around it, and for a file a little too large to be answered
    /// next to its field ("te groot") instead of with a bare 413.
    /// </summary>
    public const long DocumentUpload = Documents.CaseDocuments.MaxBytes + 1024 * 1024;
    /// <summary>Any endpoint that names no limit.</summary>
    public const long Default = 16 * 1024;
    /// <summary>The server-wide cap (Kestrel), the largest of the above.</summary>
    public const long Largest = DocumentUpload;

    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long maxBytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(maxBytes));

    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? Default;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
            server.MaxRequestBodySize = limit;

        if (context.Request.ContentLength is { } length)
        {
            if (length > limit)
            {
                await TooLargeAsync(context, limit);
                return;
            }
        }
        else if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            var buffered = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (buffered.Length + read > limit)
                {
                    await TooLargeAsync(context, limit);
                    return;
                }
                buffered.Write(buffer, 0, read);
            }
            buffered.Position = 0;
            context.Request.Body = buffered;
        }
        await next(context);
    });

    private static async Task TooLargeAsync(HttpContext context, long limit)
    {
        var english = context.Request.Path.StartsWithSegments("/elsa/api");
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        var kilobytes = limit / 1024;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = english ? "The request body is too large." : "De aanvraag is te groot.",
                Detail = english ? $"This endpoint accepts at most {kilobytes} KB." : $"Deze route accepteert hoogstens {kilobytes} kB.",
            },
        });
    }
}
