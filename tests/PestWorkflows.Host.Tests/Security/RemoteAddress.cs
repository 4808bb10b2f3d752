using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace PestWorkflows.Host.Tests.Security;

/// <summary>The test server has no client address; this gives every request one, before the host's own pipeline.</summary>
public sealed class RemoteAddress(IPAddress address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, continueWith) =>
        {
            context.Connection.RemoteIpAddress = address;
            return continueWith(context);
        });
        next(app);
    };
}
