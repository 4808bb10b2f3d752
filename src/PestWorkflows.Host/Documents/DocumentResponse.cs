namespace PestWorkflows.Host.Documents;

/// <summary>The headers every document download carries, on the page route and the API.</summary>
public static class DocumentResponse
{
    /// <summary>
    /// A browser must not guess another type (a "PDF" it would run as HTML), and no shared cache or
    /// the browser's history may keep a pupil's document.
    /// </summary>
    public static void AddHeaders(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private, no-store";
    }
}
