using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Palisade.Server.Listeners;

/// <summary>
/// The one place a Palisade listener is set up: a slim host with no configuration sources (options objects only),
/// the caller's logging, no Server header, the listener's bounds, and each endpoint under <see cref="TlsPolicy"/>.
/// The CWMP port, the API port and the benchmark's baseline all start here.
/// </summary>
public static class KestrelListeners
{
    /// <summary>
    /// A builder whose Kestrel binds <paramref name="endpoints"/> within <paramref name="limits"/> and bodies of at most
    /// <paramref name="maxRequestBodyBytes"/>; kept-alive connections close after <see cref="ListenerLimits.KeepAliveTimeout"/>,
    /// or <paramref name="keepAlive"/> when that is not set, or Kestrel's default.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(ListenerLimits limits, long maxRequestBodyBytes, IEnumerable<ListenEndpoint> endpoints, Action<ILoggingBuilder>? logging, TimeSpan? keepAlive = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(endpoints);
        var bound = endpoints.ToList();

        // The content root is the program folder, never the data folder: configuration file watchers there would
        // wake on every store write.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        HostLogging.Configure(builder.Logging, logging);

        // Signals are the serve command's: it drains the node before the listeners close.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, SignalFreeLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            if ((limits.KeepAliveTimeout ?? keepAlive) is { } idle)
            {
                kestrel.Limits.KeepAliveTimeout = idle;
            }

            foreach (var endpoint in bound)
            {
                kestrel.Listen(endpoint.Address, endpoint.Port, listen =>
                {
                    listen.Protocols = endpoint.Protocols;
                    if (endpoint.Certificate is not null)
                    {
                        TlsPolicy.Apply(listen, endpoint.Certificate, endpoint.ClientAnchors);
                    }
                });
            }
        });
        return builder;
    }
}
