using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Palisade.Testing;

/// <summary>
/// A small web server on 127.0.0.1 for tests: file downloads, TLS refusals, deliberately weak peers. HTTPS with the
/// given certificate, plain HTTP without one. Counts the requests that reach it.
/// </summary>
public sealed class TestWebServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private TestWebServer(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<TestWebServer> StartAsync(X509Certificate2? certificate, Func<HttpContext, Task> handle, SslProtocols protocols = SslProtocols.Tls12 | SslProtocols.Tls13)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0, l =>
            {
                if (certificate is not null)
                {
                    l.UseHttps(h =>
                    {
                        h.ServerCertificate = certificate;
                        h.SslProtocols = protocols;
                    });
                }
            });
        });
        var app = builder.Build();
        var server = new TestWebServer(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref server._requests);
            return handle(context);
        });
        await app.StartAsync();
        server.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    /// <summary>An HTTPS server on 127.0.0.1 whose certificate <paramref name="acs"/>'s CA issued, so its devices trust it: a file server, a diagnostics target.</summary>
    public static async Task<TestWebServer> StartTrustedAsync(TestServer acs, Func<HttpContext, Task> handle)
    {
        ArgumentNullException.ThrowIfNull(acs);
        using var ca = acs.OpenCa();
        return await StartAsync(ca.IssueServer(["127.0.0.1"], TimeSpan.FromDays(1)), handle).ConfigureAwait(false);
    }

    /// <summary>A handler that serves the bytes stored under the request's path (read at request time), or 404.</summary>
    public static Func<HttpContext, Task> Files(IReadOnlyDictionary<string, byte[]> files) => async context =>
    {
        if (files.TryGetValue(context.Request.Path.Value ?? string.Empty, out var body))
        {
            await context.Response.Body.WriteAsync(body).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
