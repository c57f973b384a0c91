using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Devices;
using Palisade.Acs.Faults;
using Palisade.Acs.Posture;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Server.Listeners;
using Scalar.AspNetCore;

namespace Palisade.Server.Api;

/// <summary>The API's own Kestrel instance: HTTPS on its port, its own limits, rate limiting, no Server header.</summary>
internal static class ApiHost
{
    public static async Task<(WebApplication App, string Url)> StartAsync(
        ApiOptions options,
        X509Certificate2? certificate,
        IPalisadeStore store,
        ProvisioningPolicy provisioning,
        ConnectionRequester requester,
        TaskWaiter waiter,
        Acs.Sessions.SessionCounters sessionCounters,
        Operations.NodeHealth health,
        Action<ILoggingBuilder>? logging,
        TimeProvider time,
        CancellationToken cancellationToken,
        Files.FilesFeature? files = null,
        Acs.Campaigns.CampaignService? campaigns = null)
    {
        var endpoints = options.Listen.Select(address => new ListenEndpoint(address, options.Port, certificate, Protocols: HttpProtocols.Http1AndHttp2));
        var builder = KestrelListeners.CreateBuilder(options.Limits.Http, options.Limits.MaxBodyBytes, endpoints, logging);
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Palisade northbound API";
            document.Info.Description = "Devices, tasks, faults, keys and the audit log of a Palisade ACS. Authenticate with 'Authorization: Bearer KEY'. See docs/api.md for request and response examples.";
            return Task.CompletedTask;
        }));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = 429;
            // Two limits at once: per key (its id is in the token) and per source address.
            // An address may carry several keys (a NAT, an integration host): it gets three keys' worth.
            TokenBucketRateLimiterOptions Bucket(int scale = 1) => new()
            {
                TokenLimit = Math.Max(10, options.RequestsPerMinute / 6) * scale,
                TokensPerPeriod = Math.Max(1, options.RequestsPerMinute / 60) * scale,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            // The bucket is the credential as authentication reads it (any case of "Bearer", any spacing): a key by
            // its id, a session by its token. Reading the header differently here let session tokens and oddly
            // written keys past the per-key limit.
            var byKey = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                ApiAuthentication.RateKey(context) is { } key
                    ? RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket())
                    : RateLimitPartition.GetNoLimiter("anonymous"));
            var byAddress = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter("ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "-"), _ => Bucket(3)));
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(byKey, byAddress);
            limiter.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Problems.Of(429, "Too many requests", "Slow down; this key or address is over its request rate.").ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
        });

        Operations.OperationsEndpoints.AddMetrics(builder.Services);
        var services = Compose(options, store, provisioning, requester, waiter, time, files, campaigns);
        Console.ConsoleHost.Add(builder.Services, services, store, options.Console, sessionCounters, time);
        var app = builder.Build();
        var auth = new ApiAuthentication(services.SignIn, services.Refusals, app.Logger);
        app.UseRateLimiter();
        app.Use(async (context, next) =>
        {
            context.Items[Endpoint.LimitsKey] = options.Limits;
            ApiHeaders.Apply(context, tls: certificate is not null);
            try
            {
                await auth.InvokeAsync(context, () => next(context)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
            {
                app.Logger.LogError(e, "API request failed");
                await Problems.Of(500, "Internal error", "The error has been logged.").ExecuteAsync(context).ConfigureAwait(false);
            }
        });
        // The OpenAPI document and an interactive reference page; neither shows any data.
        app.MapOpenApi("/api/{documentName}/openapi.json");
        app.MapScalarApiReference(ApiHeaders.ReferencePath, o => o.WithOpenApiRoutePattern("/api/{documentName}/openapi.json").WithTitle("Palisade API").DisableDefaultFonts());
        NorthboundApi.Map(app, services);
        Console.ConsoleHost.Map(app);
        Operations.OperationsEndpoints.Map(app, health, options);
        app.MapFallback((Delegate)((HttpContext _) => Problems.Of(404, "Not found", "No such route; the API lives under /api/v1/.")));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, url);
    }

    // The services the API calls; the console will be given the same ones.
    private static ApiServices Compose(ApiOptions options, IPalisadeStore store, ProvisioningPolicy provisioning, ConnectionRequester requester, TaskWaiter waiter, TimeProvider time, Files.FilesFeature? files, Acs.Campaigns.CampaignService? campaigns)
    {
        var audit = new AuditService(store, time);
        var devices = new DeviceService(store, requester, audit, time, options.Limits.Projection);
        var taskOptions = new TaskServiceOptions { DefaultAcsUrl = options.DefaultAcsUrl, DefaultTaskExpiry = options.DefaultTaskExpiry, MaxBulk = options.Limits.MaxBulkDevices };
        foreach (var host in options.AcsUrlAllowList)
        {
            taskOptions.AcsUrlAllowList.Add(host);
        }

        var refusals = new RefusalAudit(audit, time);
        var signIn = new SignInService(store, audit, refusals, new SignInOptions { SessionLifetime = options.SessionLifetime, IdleTimeout = options.SessionIdleTimeout }, time);
        return new ApiServices(
            devices,
            new TaskService(store, store, devices, waiter, audit, taskOptions, time) { Files = files?.Urls is null ? null : store },
            new FaultService(store, store, audit, time, store),
            new AccessService(store, audit, time),
            signIn,
            audit,
            refusals,
            new PostureService(store, [.. options.AcsUrlAllowList], time),
            new ProvisioningService(store, audit, provisioning.Catalog, provisioning.Limits, time),
            new Acs.FactoryCredentials.DeviceImportService(store, store, audit, options.DigestRealm, time),
            files?.Service,
            campaigns);
    }
}
