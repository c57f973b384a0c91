using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Audit;
using Palisade.Acs.Files;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;
using Palisade.Security.Signing;
using Palisade.Server.Listeners;

namespace Palisade.Server.Files;

/// <summary>
/// The file store's service, the file server's listener and the session step that hands devices their URLs, composed
/// once per node. The signing key lives in the data folder's PKI folder (<c>signing.key</c>), shared by the nodes with
/// the PKI; the transfer-token key is <c>transfer-token.key</c> there with the embedded store, and derived from the store
/// key on a shared store (<see cref="ISharedNodeState"/>), so that every node accepts every node's tokens.
/// </summary>
public sealed class FilesFeature : IAsyncDisposable
{
    /// <summary>The token key's file name.</summary>
    public const string TokenKeyFileName = "transfer-token.key";

    private readonly WebApplication? _app;
    private readonly ECDsa _signingKey;

    private FilesFeature(WebApplication? app, ECDsa signingKey, FileService service, TransferTokens tokens, FileServerUrls? urls, params ISessionStep[] steps)
    {
        _app = app;
        _signingKey = signingKey;
        Service = service;
        Tokens = tokens;
        Urls = urls;
        Steps = steps;
    }

    /// <summary>The file store's rules (the API and console call it).</summary>
    public FileService Service { get; }

    /// <summary>The file server's tokens.</summary>
    public TransferTokens Tokens { get; }

    /// <summary>Where devices reach the file server; null when it is off.</summary>
    public FileServerUrls? Urls { get; }

    /// <summary>The session steps of the feature (none when the file server is off).</summary>
    public IReadOnlyList<ISessionStep> Steps { get; }

    /// <summary>Loads the keys and starts the file server (unless its port is -1).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The feature owns the key and the app and disposes them.")]
    public static async Task<FilesFeature> StartAsync(FileServerOptions options, string dataDirectory, IPalisadeStore store, X509Certificate2? certificate,
        IEnumerable<IPAddress> listen, IReadOnlyList<string> hostnames, Action<ILoggingBuilder>? logging, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hostnames);
        var pki = Path.Combine(dataDirectory, "pki");
        var signingKey = SigningKeyFile.LoadOrCreate(pki);
        var operatorKeys = options.OperatorKeyPaths.Select(SigningKeyFile.LoadPublic).ToList();
        var spool = Path.Combine(dataDirectory, "spool");
        SecretFile.CreatePrivateDirectory(spool);
        var service = new FileService(store, new AuditService(store, time), new FileSigner(signingKey, operatorKeys), options.Limits, time) { SpoolDirectory = spool };
        // Nodes on one shared store derive the key from the store key, so a URL one node handed out works on every node.
        var tokenKey = store is ISharedNodeState shared ? shared.DeriveKey("file transfer tokens") : LoadOrCreateTokenKey(Path.Combine(pki, TokenKeyFileName));
        var tokens = new TransferTokens(tokenKey, options.TokenLifetime, time);
        if (options.Port < 0)
        {
            return new FilesFeature(null, signingKey, service, tokens, null);
        }

        var endpoints = new List<ListenEndpoint>();
        foreach (var address in listen)
        {
            endpoints.Add(new ListenEndpoint(address, options.Port, certificate));
            if (options.HttpPort is { } plain)
            {
                endpoints.Add(new ListenEndpoint(address, plain));
            }
        }

        var builder = KestrelListeners.CreateBuilder(options.Http, options.Limits.MaxUploadBytes + 1, endpoints, logging);
        var app = builder.Build();
        try
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Palisade.Files");
            var handler = new FileServerHandler(store, service, tokens, options, logger);
            app.Run(handler.HandleAsync);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a.Replace("*", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal))).ToList();
            var host = hostnames.Count > 0 ? hostnames[0] : "localhost";
            host = host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;
            var secure = bound.First(u => options.HttpPort is null || certificate is null || u.Scheme == Uri.UriSchemeHttps);
            var https = options.PublicUrl is { } configured ? (configured.EndsWith('/') ? configured : configured + "/") : $"{secure.Scheme}://{host}:{secure.Port}/";
            var plaintext = options.HttpPort is null || certificate is null ? null : bound.FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp) is { } p ? $"http://{host}:{p.Port}/" : null;
            var urls = new FileServerUrls(https, plaintext);
            return new FilesFeature(app, signingKey, service, tokens, urls, new FileTransferStep(tokens, urls, logger), new RequestDownloadStep(store, store, store, logger));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            signingKey.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _signingKey.Dispose();
    }

    // 32 random bytes, base64, owner-only; the same file on every node.
    private static byte[] LoadOrCreateTokenKey(string path)
    {
        if (File.Exists(path))
        {
            var key = Convert.FromBase64String(File.ReadAllText(path).Trim());
            return key.Length >= 32 ? key : throw new InvalidDataException($"{path} holds fewer than 32 bytes; remove it to make a new one.");
        }

        var created = RandomNumberGenerator.GetBytes(32);
        SecretFile.Write(path, Convert.ToBase64String(created) + "\n");
        return created;
    }
}
