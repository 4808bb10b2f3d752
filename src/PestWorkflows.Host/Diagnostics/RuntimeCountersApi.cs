using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using PestWorkflows.Host.Api;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Diagnostics;

/// <summary>
/// The host process's own cumulative counters for the admin: CPU time and bytes allocated since start, and
/// methods compiled (still rising while tiered compilation warms the process up).
/// A load test reads them before and after its run to get CPU and allocations per request without
/// attaching a tracer (see bench/README.md, part http).
/// </summary>
public static class RuntimeCountersApi
{
    public static IEndpointRouteBuilder MapRuntimeCountersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/diagnostics/runtime", Get).RequireAuthorization(Policies.Staff).WithTags("Beheer").WithName("RuntimeCounters")
            .WithSummary("CPU-tijd en gealloceerde bytes van het proces sinds de start (alleen beheerder).");
        return app;
    }

    private static Results<Ok<RuntimeCounters>, ProblemHttpResult> Get(Staff staff)
    {
        if (!staff.IsAdmin) return TypedResults.Problem(Problems.NotFound("Deze route bestaat niet."));
        using var process = Process.GetCurrentProcess();
        return TypedResults.Ok(new RuntimeCounters(
            process.TotalProcessorTime.TotalMilliseconds,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            System.Runtime.JitInfo.GetCompiledMethodCount()));
    }
}
