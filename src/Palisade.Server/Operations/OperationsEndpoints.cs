using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Palisade.Acs.Access;
using Palisade.Server.Api;

namespace Palisade.Server.Operations;

/// <summary>
/// <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> on the API listener, never on the CPE-facing port. The health
/// endpoints need no key and are not rate limited (load balancers poll them); <c>/metrics</c> needs a key with the
/// read-metrics permission unless the operator opted out (<see cref="ApiOptions.MetricsWithoutKey"/>).
/// </summary>
internal static class OperationsEndpoints
{
    /// <summary>The meters <c>/metrics</c> exports: every Palisade one, and Kestrel's (connections, TLS handshakes by version).</summary>
    public static readonly string[] Meters = ["Palisade.*", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>Adds the Prometheus exporter to the API's services.</summary>
    public static void AddMetrics(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

    public static void Map(WebApplication app, NodeHealth health, ApiOptions options)
    {
        app.MapGet("/healthz", () => Results.Text("alive\n")).DisableRateLimiting();
        app.MapGet("/readyz", async (HttpContext context) =>
        {
            var problem = await health.NotReadyAsync(context.RequestAborted).ConfigureAwait(false);
            return problem is null ? Results.Text("ready\n") : Results.Text("not ready: " + problem + "\n", statusCode: 503);
        }).DisableRateLimiting();
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (!options.MetricsWithoutKey)
            {
                if (context.Items[ApiAuthentication.CallerKey] is not Caller caller)
                {
                    await Problems.Unauthorized().ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }

                if (!caller.Can(Permission.ReadMetrics))
                {
                    await Problems.Forbidden(Roles.Name(Permission.ReadMetrics)).ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        }), optionsName: null);
    }
}
