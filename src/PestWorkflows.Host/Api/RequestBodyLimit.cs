using Microsoft.AspNetCore.Http.Metadata;

namespace PestWorkflows.Host.Api;

/// <summary>The largest request body an endpoint (or route group) accepts; the last one given wins.</summary>
public sealed record RequestBodyLimit(long MaxBytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => MaxBytes;
}
