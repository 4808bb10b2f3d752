using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PestWorkflows.Host.Security;

/// <summary>
/// The rate-limit policies (ASP.NET Core's rate limiter, fixed windows): sign-in and password reset
/// per client address (behind a proxy the forwarded address, see <see cref="ProxySettings"/>), signal
/// reports per person. Only what changes something is counted: a page's GET is free. Over the limit:
/// 429 with <c>Retry-After</c> and a Dutch problem+json.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string PasswordReset = "password-reset";
    public const string Reports = "reports";
    /// <summary>Starting a sign-in through the school's identity provider: a GET (a link), counted all the same, with the sign-in rule.</summary>
    public const string SchoolSignIn = "school-sign-in";

    public static IServiceCollection AddStaffRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => new[] { o.SignIn, o.PasswordReset, o.Reports }.All(r => r.PermitLimit > 0 && r.Window > TimeSpan.Zero),
                "Every RateLimits rule needs a PermitLimit above 0 and a Window above 00:00:00.")
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(SignIn, context => PerAddress(context, o => o.SignIn));
            limiter.AddPolicy(SchoolSignIn, context => Limit(context, o => o.SignIn, Address(context), countReads: true));
            limiter.AddPolicy(PasswordReset, context => PerAddress(context, o => o.PasswordReset));
            limiter.AddPolicy(Reports, context => Limit(context, o => o.Reports,
                context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId ? "user:" + userId : "address:" + Address(context)));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, Func<RateLimitOptions, RateLimitRule> rule) =>
        Limit(context, rule, Address(context));

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> Limit(HttpContext context, Func<RateLimitOptions, RateLimitRule> select, string key, bool countReads = false)
    {
        if (!countReads && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
            return RateLimitPartition.GetNoLimiter("read");
        var rule = select(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = rule.PermitLimit,
            Window = rule.Window,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var minutes = (int)Math.Ceiling(seconds / 60.0);
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Te veel verzoeken",
            Detail = $"Je hebt dit te vaak achter elkaar geprobeerd. Probeer het over {(minutes == 1 ? "een minuut" : $"{minutes} minuten")} opnieuw.",
            Type = "https://tools.ietf.org/html/rfc6585#section-4",
        };
        await TypedResults.Problem(problem).ExecuteAsync(http);
    }
}
