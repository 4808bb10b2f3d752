using System.Net;
using System.Text.Json.Nodes;
using PestWorkflows.Host.Tests.Infrastructure;
using PestWorkflows.Host.Tests.Protocol;

namespace PestWorkflows.Host.Tests.Diagnostics;

public sealed class RuntimeCountersTests
{
    [Fact]
    public async Task The_admin_reads_the_hosts_cpu_time_and_allocations_and_nobody_else_sees_the_route()
    {
        await using var s = new SchoolApp();
        var first = await (await s.As(HostApp.Admin)).GetJsonAsync("/api/diagnostics/runtime");
        await s.PupilsAsync(HostApp.Teacher1);
        var second = await (await s.As(HostApp.Admin)).GetJsonAsync("/api/diagnostics/runtime");

        Assert.True((double)first["cpuMilliseconds"]! > 0);
        Assert.True((long)second["allocatedBytes"]! > (long)first["allocatedBytes"]!, "the host allocated nothing between two readings");
        foreach (var other in new[] { HostApp.Coordinator, HostApp.Teacher1 })
        {
            using var response = await (await s.As(other)).GetAsync("/api/diagnostics/runtime");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var anonymous = await s.App.CreateClient().GetAsync("/api/diagnostics/runtime");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
