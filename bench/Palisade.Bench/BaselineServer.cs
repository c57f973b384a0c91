using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Server;
using Palisade.Server.Listeners;

namespace Palisade.Bench;

/// <summary>
/// The baseline: a bare Kestrel endpoint on the same TLS settings that answers the same sequence (Inform →
/// InformResponse, empty POST → 204) with canned responses, parses nothing beyond the body's presence, stores
/// nothing and checks no credentials beyond TLS: like Palisade's CWMP port it asks for an optional client certificate
/// and checks one that is presented against the same CA. Palisade's sessions/s is reported as a share of this.
/// </summary>
internal static class BaselineServer
{
    public const string Marker = "baseline: listening url=";

    public static async Task<int> RunAsync(string certificatePath, string keyPath, string clientCaPath, CancellationToken cancellationToken)
    {
        using var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        var clientAnchors = new X509Certificate2Collection();
        clientAnchors.ImportFromPemFile(clientCaPath);
        var informResponse = CwmpWriter.ToBytes(new CwmpEnvelope(CwmpVersion.V1_4, new CwmpHeader { Id = "1" }, new InformResponse(1)));
        // Palisade's own listener factory: the same TLS policy, asking for (optional) client certificates as its CWMP
        // port does, and the same default bounds; only what is served differs.
        var limits = new CwmpListenerLimits();
        var builder = KestrelListeners.CreateBuilder(limits.Http, limits.Codec.MaxBodyBytes, [new ListenEndpoint(IPAddress.Loopback, 0, certificate, clientAnchors)], logging: null, keepAlive: TimeSpan.FromSeconds(30));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            if (buffer.Length == 0)
            {
                context.Response.StatusCode = 204;
                return;
            }

            context.Response.ContentType = CwmpHttpResponseContentType;
            context.Response.Headers.SetCookie = "palisade-session=baseline; Path=/; Secure; HttpOnly";
            await context.Response.Body.WriteAsync(informResponse, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine(Marker + app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    private const string CwmpHttpResponseContentType = "text/xml; charset=\"utf-8\"";
}
