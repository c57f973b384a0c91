using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Security.Pki;
using Palisade.Security.Secrets;

namespace Palisade.Server;

/// <summary>
/// A running Palisade: the data folder opened, the PKI and bootstrap credential in place, the store open, and
/// Kestrel serving CWMP. <c>palisade serve</c> and the integration tests both start exactly this.
/// </summary>
public sealed class PalisadeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WebApplication? _api;
    private readonly Acs.ConnectionRequests.ConnectionRequester _requester;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sweeper;
    private readonly Task _historyKeeper;
    private readonly Acs.Identity.RegistrationSweeper _registrations;
    private readonly Operations.NodeHealth _health;
    private readonly Operations.NodeMetrics _metrics;
    private readonly Task _metricsKeeper;
    private readonly ILogger _logger;

    private PalisadeHost(WebApplication app, WebApplication? api, Acs.ConnectionRequests.ConnectionRequester requester, IPalisadeStore store, SessionEngine engine, StartupFacts facts, TaskHistory? history, Operations.NodeHealth health, TimeProvider time, ILogger logger)
    {
        _app = app;
        _api = api;
        _requester = requester;
        _health = health;
        _logger = logger;
        Store = store;
        Engine = engine;
        Facts = facts;
        _registrations = new Acs.Identity.RegistrationSweeper(engine.Enrollment, store, time, logger);
        _metrics = new Operations.NodeMetrics(engine, requester, health, store, time);
        _sweeper = SweepAsync(logger);
        _historyKeeper = history is null ? Task.CompletedTask : KeepHistoryAsync(history, logger);
        _metricsKeeper = KeepMetricsAsync();
    }

    /// <summary>True once <see cref="DrainAsync"/> began: no new sessions, <c>/readyz</c> answers 503.</summary>
    public bool Draining => _health.Draining;

    /// <summary>
    /// Drains the node before it stops (SIGTERM): new sessions get 503 with Retry-After and <c>/readyz</c> says not ready,
    /// sessions in flight go on for up to <paramref name="bound"/>, then those still open are ended (what they learned is
    /// committed, their leases given back). The listeners stay open meanwhile. Returns how many sessions were ended at the bound.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        _health.Draining = true;
        Engine.Draining = true;
        Operations.OperationsLog.Draining(_logger, Engine.OpenSessions, bound.TotalSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(bound);
        try
        {
            while (Engine.OpenSessions > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The bound (or a second signal): end what is still open.
        }

        var ended = await Engine.EndAllAsync(CancellationToken.None).ConfigureAwait(false);
        Operations.OperationsLog.Drained(_logger, ended);
        return ended;
    }

    /// <summary>The file in the data folder (owner-only) that holds the admin's first password, <c>admin:PASSWORD</c>.</summary>
    public const string AdminPasswordFileName = "admin-password";

    /// <summary>The open store (every concern; hand on only the interface a consumer needs).</summary>
    public IPalisadeStore Store { get; }

    /// <summary>The session engine.</summary>
    public SessionEngine Engine { get; }

    /// <summary>The provisioning policy the sessions and the API share (catalog, channel faults).</summary>
    public Acs.Provisioning.ProvisioningPolicy Provisioning { get; private init; } = null!;

    /// <summary>The file store's service, the file server and its step (for the API and tests).</summary>
    public Palisade.Server.Files.FilesFeature? Files { get; private init; }

    /// <summary>The campaigns' service (null when the file server is off).</summary>
    public Acs.Campaigns.CampaignService? Campaigns { get; private init; }

    /// <summary>The campaigns' scheduler, ticked by the sweep loop every second (null when the file server is off).</summary>
    public Acs.Campaigns.CampaignScheduler? CampaignScheduler { get; private init; }

    /// <summary>What start-up found or created (URLs, CA, bootstrap credential).</summary>
    public StartupFacts Facts { get; }

    /// <summary>
    /// Starts Palisade with <paramref name="options"/> on the store <paramref name="openStore"/> opens in the data
    /// folder (given its full path). The host owns the store from then on and disposes it when it stops (or fails to start).
    /// Which store it is, the composition root decides: the host sees only the store interfaces.
    /// </summary>
    public static async Task<PalisadeHost> StartAsync(ServerOptions options, Func<string, IPalisadeStore> openStore, Action<ILoggingBuilder>? logging = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openStore);
        options.Validate();
        var data = Path.GetFullPath(options.DataDirectory);
        SecretFile.CreatePrivateDirectory(data);

        // TLS material: the operator's own certificate, or the private PKI in DATA/pki.
        X509Certificate2? serverCertificate = null;
        PkiMaterial? pki = null;
        var anchors = new X509Certificate2Collection();
        if (!options.InsecureHttp || options.TlsCertificatePath is null)
        {
            pki = PkiStore.Ensure(Path.Combine(data, "pki"), options.EffectiveHostnames);
            anchors.Add(X509CertificateLoader.LoadCertificate(pki.Authority.Certificate.RawData));
        }

        if (!options.InsecureHttp)
        {
            serverCertificate = options.TlsCertificatePath is { } certPath
                ? PkiStore.LoadWithKey(certPath, options.TlsKeyPath!)
                : pki!.ServerCertificate;
        }

        foreach (var caPath in options.ClientCaPaths)
        {
            anchors.ImportFromPemFile(caPath);
        }

        // Enrollment: an operator-set bootstrap credential, the stored one, or a new one.
        BootstrapCredential? bootstrap = null;
        var bootstrapCreated = false;
        var bootstrapPath = Path.Combine(data, BootstrapCredential.FileName);
        if (!options.DisableEnrollment)
        {
            if (options.BootstrapCredential is { } text)
            {
                bootstrap = Security.Secrets.BootstrapCredential.TryParse(text, out var parsed)
                    ? parsed
                    : throw new ArgumentException("The bootstrap credential must be 'user:password' (both non-empty).");
            }
            else
            {
                bootstrap = Security.Secrets.BootstrapCredential.LoadOrCreate(bootstrapPath, out bootstrapCreated);
            }
        }

        options.Authentication.Bootstrap = bootstrap;
        options.Authentication.PlaintextIsLegacy = options.LegacyHttpPort is not null;
        var store = openStore(data);

        // Several nodes on one store: a Digest nonce or a probe token one node minted is good on the others.
        var shared = store as ISharedNodeState;
        if (shared is not null)
        {
            options.Authentication.NonceKey ??= shared.DeriveKey("digest nonces");
        }

        WebApplication? app = null;
        WebApplication? api = null;
        Palisade.Server.Files.FilesFeature? files = null;
        Acs.ConnectionRequests.ConnectionRequester? requester = null;
        Acs.Xmpp.XmppConnectionRequests? xmpp = null;
        try
        {
            var limits = options.Cwmp;
            var cwmpEndpoints = new List<Listeners.ListenEndpoint>();
            foreach (var address in options.Listen)
            {
                cwmpEndpoints.Add(new Listeners.ListenEndpoint(address, options.CwmpPort, serverCertificate, anchors));

                // Beside TLS, for legacy devices on their way to https (moveToHttps).
                if (options.LegacyHttpPort is { } legacyPort)
                {
                    cwmpEndpoints.Add(new Listeners.ListenEndpoint(address, legacyPort));
                }
            }

            // Kept-alive connections live as long as a silent session may, unless the operator bounds them otherwise.
            var builder = Listeners.KestrelListeners.CreateBuilder(limits.Http, limits.Codec.MaxBodyBytes, cwmpEndpoints, logging ?? DefaultLogging, options.Sessions.SessionTimeout);
            app = builder.Build();
            var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
            var logger = loggerFactory.CreateLogger("Palisade");
            // One policy per node, shared by the sessions (the provisioning step) and the API (which refreshes it on writes).
            var provisioningLog = loggerFactory.CreateLogger("Palisade.Provisioning");
            var provisioning = Acs.Provisioning.ProvisioningPolicy.Create(store, options.Provisioning, options.ChannelFaults, time ?? TimeProvider.System, provisioningLog);
            var (extensions, extensionClient) = ExtensionClient.Create(options);
            if (extensionClient is not null)
            {
                app.Lifetime.ApplicationStopped.Register(extensionClient.Dispose);
            }

            files = await Palisade.Server.Files.FilesFeature.StartAsync(options.Files, data, store, serverCertificate, options.Listen, options.EffectiveHostnames, logging ?? DefaultLogging, time ?? TimeProvider.System, cancellationToken).ConfigureAwait(false);
            var provisioningStep = new Acs.Provisioning.ProvisioningStep(provisioning.Catalog, store, provisioning.Faults, extensions,
                new Acs.Provisioning.Scripts.ScriptSandbox(options.Scripts), new Acs.Provisioning.Scripts.ScriptCompiler(options.Scripts), provisioningLog)
            {
                Downloads = files.Steps.Count > 0 ? new Acs.Files.ProvisionedDownloads(store, store) : null,
                Backups = files.Steps.Count > 0 ? new Acs.Files.ScheduledBackups(store) : null,
            };
            var reachability = new ReachabilityProbes(time ?? TimeProvider.System, shared);
            var engineLog = loggerFactory.CreateLogger("Palisade.Cwmp");
            // Campaigns need the file server (their downloads are stored-file downloads); a file in use is never deleted.
            files.Service.InUse = store.CampaignUsingFileAsync;
            var campaignScheduler = files.Urls is null ? null : new Acs.Campaigns.CampaignScheduler(store, time ?? TimeProvider.System, loggerFactory.CreateLogger("Palisade.Campaigns"));
            var campaigns = campaignScheduler is null ? null : new Acs.Campaigns.CampaignService(store, store, store, new Acs.Audit.AuditService(store, time ?? TimeProvider.System), time ?? TimeProvider.System);
            if (campaigns is not null)
            {
                campaigns.Changed += campaignScheduler!.Touch;
            }

            IReadOnlyList<ISessionStep> steps = [.. SessionSteps.Standard(store, options.Sessions, options.Authentication, reachability, engineLog, provisioningStep), .. files.Steps,
                .. (campaignScheduler is null ? Array.Empty<ISessionStep>() : [new Acs.Campaigns.CampaignStep(store, campaignScheduler)])];
            var engine = new SessionEngine(store, options.Sessions, options.Authentication, reachability, steps, time ?? TimeProvider.System, engineLog, limits.Codec);
            var handler = new CwmpHttpHandler(engine, options.Sessions, limits, logger, engine.Reachability);
            app.Run(handler.HandleAsync);
            if (options.InsecureHttp)
            {
                ServerLog.InsecureHttp(logger);
            }

            if (options.LegacyHttpPort is { } legacy)
            {
                ServerLog.LegacyHttp(logger, legacy);
            }

            if (File.Exists(bootstrapPath) && SecretFile.IsExposed(bootstrapPath))
            {
                ServerLog.ExposedSecret(logger, bootstrapPath);
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Select(a => a.Replace("[::]", "localhost", StringComparison.Ordinal)).ToList();

            // The https URL devices are moved to by default: the first certified name on the TLS listener's port.
            if (!options.InsecureHttp && urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal)) is { } tlsUrl)
            {
                var host = options.EffectiveHostnames[0];
                options.Api.DefaultAcsUrl = new UriBuilder(Uri.UriSchemeHttps, host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host, new Uri(tlsUrl).Port, "/").Uri.ToString();
            }

            // The northbound API: its own listener, an admin created at first start, tasks that can wait for results.
            var clock = time ?? TimeProvider.System;
            if (options.Api.AcsUrlAllowList.Count == 0)
            {
                foreach (var name in options.EffectiveHostnames)
                {
                    options.Api.AcsUrlAllowList.Add(name);
                }
            }

            requester = new Acs.ConnectionRequests.ConnectionRequester(options.ConnectionRequestTargets, anchors, options.ConnectionRequests, clock, loggerFactory.CreateLogger("Palisade.ConnectionRequests"));
            if (campaignScheduler is not null)
            {
                campaignScheduler.Wake = WakeDevices(store, requester);
            }

            var health = new Operations.NodeHealth(store);
            var waiter = new Acs.Tasks.TaskWaiter();
            engine.TasksCommitted += waiter.OnCommitted;
            if (store is Acs.Storage.ITaskOutcomeFeed feed)
            {
                // Several nodes on one store: a session on another node may be the one that runs the awaited task.
                feed.TasksFinished += waiter.OnFinished;
            }
            string? apiUrl = null;
            if (options.Api.Port >= 0)
            {
                options.Api.DigestRealm = options.Authentication.Realm;
                options.Api.Console.Scripts = options.Scripts;
                (api, apiUrl) = await Api.ApiHost.StartAsync(options.Api, serverCertificate, store, provisioning, requester, waiter, engine.Counters, health, logging ?? DefaultLogging, clock, cancellationToken, files, campaigns).ConfigureAwait(false);
            }

            // A device may not point connection requests back at this ACS's own ports and addresses.
            requester.AddOwnEndpoints(
                [.. options.Listen, .. options.Api.Listen, .. options.EffectiveHostnames.Select(h => System.Net.IPAddress.TryParse(h, out var a) ? a : null).OfType<System.Net.IPAddress>()],
                [.. urls.Append(apiUrl).OfType<string>().Select(u => new Uri(u.Replace("*", "localhost", StringComparison.Ordinal)).Port), options.CwmpPort, options.Api.Port, options.LegacyHttpPort ?? 0]);

            // Last, once both listeners are up: a start that fails (a port in use) must not leave an admin behind
            // whose one-time password nobody was shown (only its hash is stored).
            string? adminPassword = null;
            string? adminPasswordPath = null;
            if (!await store.AnyUserAsync(cancellationToken).ConfigureAwait(false))
            {
                // The one-time password goes to an owner-only file, not to stdout, where service logs would keep it.
                adminPassword = PasswordGenerator.Generate();
                adminPasswordPath = Path.Combine(data, AdminPasswordFileName);
                SecretFile.Write(adminPasswordPath, "admin:" + adminPassword + "\n");
                await store.CreateUserAsync(new Acs.Access.UserRecord("admin", Acs.Access.Roles.Admin, Acs.Access.PasswordHasher.Hash(adminPassword), 0, null, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }

            var facts = new StartupFacts(
                data,
                [.. urls],
                pki?.CaCertificatePath,
                pki?.CaFingerprint,
                pki?.CreatedAuthority ?? false,
                bootstrap,
                bootstrapCreated,
                options.DisableEnrollment ? null : (options.BootstrapCredential is null ? bootstrapPath : null),
                options.InsecureHttp,
                anchors)
            {
                ApiUrl = apiUrl,
                FilesUrl = files.Urls?.Https,
                AdminPassword = adminPassword,
                AdminPasswordPath = adminPasswordPath,
            };
            var history = options.TaskHistory is { } keep ? new TaskHistory(store, keep, clock) : null;
            var stun = StartStun(options, store, requester, clock, loggerFactory.CreateLogger("Palisade.Stun"));
            if (options.Xmpp is { } xmppOptions)
            {
                xmpp = new Acs.Xmpp.XmppConnectionRequests(xmppOptions, options.ConnectionRequests.Timeout, clock, loggerFactory.CreateLogger("Palisade.Xmpp"), options.ConnectionRequestTargets.XmppDomains);
                requester.UseXmpp(xmpp, Acs.Xmpp.XmppConnectionRequests.ReportedJabberIds(store));
                xmpp.Start();
            }

            return new PalisadeHost(app, api, requester, store, engine, facts, history, health, clock, logger) { Provisioning = provisioning, Stun = stun, Files = files, Campaigns = campaigns, CampaignScheduler = campaignScheduler, Xmpp = xmpp };
        }
        catch
        {
            // Whatever started is stopped again, so a failed start leaves no listener behind.
            await StopAsync(api).ConfigureAwait(false);
            await StopAsync(app).ConfigureAwait(false);
            if (files is not null)
            {
                await files.DisposeAsync().ConfigureAwait(false);
            }

            if (xmpp is not null)
            {
                await xmpp.DisposeAsync().ConfigureAwait(false);
            }

            requester?.Dispose();
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Devices a campaign just started are asked to open a session now (16 requests at a time).
    private static Func<IReadOnlyList<string>, CancellationToken, Task> WakeDevices(IPalisadeStore store, Acs.ConnectionRequests.ConnectionRequester requester) =>
        (ids, cancellationToken) => Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, token) =>
        {
            if (Acs.Devices.DeviceId.TryParse(id, out var parsed) && await store.GetDeviceAsync(parsed, token).ConfigureAwait(false) is { } device)
            {
                await requester.RequestAsync(device, token).ConfigureAwait(false);
            }
        });

    private static async Task StopAsync(WebApplication? app)
    {
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void DefaultLogging(ILoggingBuilder logging) => logging.AddSimpleConsole(c =>
    {
        c.SingleLine = true;
        c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        c.UseUtcTimestamp = true;
    });

    /// <summary>The built-in STUN server, or null when it is off (or its port was taken).</summary>
    public Acs.Stun.StunServer? Stun { get; private init; }

    private static Acs.Stun.StunServer? StartStun(ServerOptions options, IPalisadeStore store, Acs.ConnectionRequests.ConnectionRequester requester, TimeProvider clock, ILogger logger)
    {
        if (options.StunPort is not { } port)
        {
            return null;
        }

        var address = options.Listen.Count > 0 ? options.Listen[0] : System.Net.IPAddress.Any;
        return Acs.Stun.StunServer.TryStart(new System.Net.IPEndPoint(address, port), store, requester.StunBindings, clock, logger);
    }

    /// <summary>The ACS's XMPP client for connection requests (TR-069 Annex K), or null when no XMPP account is configured.</summary>
    public Acs.Xmpp.XmppConnectionRequests? Xmpp { get; private init; }

    /// <summary>The connection requester (for the API and tests).</summary>
    public Acs.ConnectionRequests.ConnectionRequester ConnectionRequester => _requester;

    /// <summary>Completes when the host has been asked to stop.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var loop in new[] { _sweeper, _historyKeeper, _metricsKeeper })
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await StopAsync(_api).ConfigureAwait(false);
        await StopAsync(_app).ConfigureAwait(false);
        if (Stun is not null)
        {
            await Stun.DisposeAsync().ConfigureAwait(false);
        }

        if (Files is not null)
        {
            await Files.DisposeAsync().ConfigureAwait(false);
        }

        if (Xmpp is not null)
        {
            await Xmpp.DisposeAsync().ConfigureAwait(false);
        }

        _requester.Dispose();
        _metrics.Dispose();
        CampaignScheduler?.Dispose();
        await Store.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    // The store-side figures of /metrics (devices, devices seen lately), read again every half minute.
    private async Task KeepMetricsAsync()
    {
        using var timer = new PeriodicTimer(Operations.NodeMetrics.RefreshEvery);
        do
        {
            try
            {
                await _metrics.RefreshAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (StoreException)
            {
                // Unreachable for now: the figures keep their last values; /readyz tells.
            }
        }
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
    }

    // At start, then hourly: finished tasks past the task history are deleted.
    private async Task KeepHistoryAsync(TaskHistory history, ILogger logger)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                var deleted = await history.PruneAsync(_stopping.Token).ConfigureAwait(false);
                if (deleted > 0)
                {
                    ServerLog.TaskHistoryPruned(logger, deleted, history.Keep.TotalDays);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ServerLog.TaskHistoryFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false));
    }

    private async Task SweepAsync(ILogger logger)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
        {
            try
            {
                await Engine.SweepExpiredAsync(_stopping.Token).ConfigureAwait(false);
                await _registrations.SweepAsync(_stopping.Token).ConfigureAwait(false);
                await Provisioning.Faults.SweepAsync(_stopping.Token).ConfigureAwait(false);
                if (CampaignScheduler is not null)
                {
                    await CampaignScheduler.TickAsync(_stopping.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ServerLog.SweepFailed(logger, e);
            }
        }
    }
}

/// <summary>What an operator needs to know after start: where CPEs connect and how they trust and authenticate.</summary>
public sealed record StartupFacts(
    string DataDirectory,
    IReadOnlyList<string> CwmpUrls,
    string? CaCertificatePath,
    string? CaFingerprint,
    bool CreatedCa,
    BootstrapCredential? Bootstrap,
    bool BootstrapCreated,
    string? BootstrapPath,
    bool InsecureHttp,
    X509Certificate2Collection ClientCertificateAnchors)
{
    /// <summary>The first CWMP URL (the TLS one unless the server runs plaintext only), for printing and tests.</summary>
    public Uri CwmpUrl => new((InsecureHttp ? CwmpUrls[0] : CwmpUrls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal)) ?? CwmpUrls[0]).TrimEnd('/') + "/");

    /// <summary>The plaintext listener for legacy devices (--legacy-http-port), or null.</summary>
    public Uri? LegacyHttpUrl => InsecureHttp || CwmpUrls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal)) is not { } url ? null : new(url.TrimEnd('/') + "/");

    /// <summary>The API's base URL (null when the API is off).</summary>
    public string? ApiUrl { get; init; }

    /// <summary>The file server's base URL as devices are given it, or null when it is off.</summary>
    public string? FilesUrl { get; init; }

    /// <summary>The admin password when the admin was created by this start, else null. Printed only on request (<c>--show-secrets-once</c>).</summary>
    public string? AdminPassword { get; init; }

    /// <summary>The owner-only file this start wrote <see cref="AdminPassword"/> to, or null.</summary>
    public string? AdminPasswordPath { get; init; }
}
