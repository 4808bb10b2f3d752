using PestWorkflows.Host.Api;

namespace PestWorkflows.Host.Email;

/// <summary>
/// Outside Development <c>/dev/mailbox</c> does not exist: answered as an unknown route before
/// authentication, so nobody (not even someone not signed in, who would be sent to sign in) can tell it is there.
/// </summary>
public sealed class MailboxOutsideDevelopment(IHostEnvironment environment) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (!environment.IsDevelopment())
            app.Use((context, nextMiddleware) => context.Request.Path.StartsWithSegments("/dev/mailbox")
                ? TypedResults.Problem(Problems.NotFound("Deze route bestaat niet.")).ExecuteAsync(context)
                : nextMiddleware(context));
        next(app);
    };
}
