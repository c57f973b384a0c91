using Microsoft.Extensions.Logging;

namespace Palisade.Server;

/// <summary>The logging both listeners (CWMP and the API) start from.</summary>
internal static class HostLogging
{
    /// <summary>Only the caller's providers; the framework's own categories at Warning and above.</summary>
    public static void Configure(ILoggingBuilder builder, Action<ILoggingBuilder>? providers)
    {
        builder.ClearProviders();
        providers?.Invoke(builder);
        builder.AddFilter("Microsoft", LogLevel.Warning);

        // ASP.NET Core starts an Activity for every request while its hosting logger is enabled at any level (to
        // correlate the request's log lines). That logger writes request start/finish lines, which Palisade replaces
        // with its own access line, and start-up failures, which reach the caller as exceptions anyway; off, it saves
        // an Activity and its IDs per request.
        builder.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // The generic host logs a failed start (a port in use) with the whole stack trace, and then throws the same
        // exception to the caller, which reports it in one line. Palisade runs no BackgroundService, whose failures
        // this category would otherwise be the only one to report: add one, and this filter must go.
        builder.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    }
}
