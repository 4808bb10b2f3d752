namespace PestWorkflows.Host.Security;

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/> (a fixed window) per partition.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public TimeSpan Window { get; set; }
}
