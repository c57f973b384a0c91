using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Palisade.Server;

/// <summary>
/// The HTTPS client of <c>ext()</c>: only the operator's listed endpoints (<see cref="ServerOptions.Extensions"/>), no
/// redirects, no proxy, certificates checked against the system's roots or the CAs named for extensions
/// (<see cref="ServerOptions.ExtensionCaPaths"/>). None configured: scripts that call <c>ext</c> fault "not configured".
/// </summary>
internal static class ExtensionClient
{
    public static (Acs.Provisioning.IScriptExtensions? Extensions, HttpClient? Client) Create(ServerOptions options)
    {
        if (options.Extensions.Endpoints.Count == 0)
        {
            return (null, null);
        }

        var trusted = new X509Certificate2Collection();
        foreach (var path in options.ExtensionCaPaths)
        {
            trusted.ImportFromPemFile(path);
        }

        SocketsHttpHandler? handler = null;
        try
        {
            handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = options.Extensions.Timeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, trusted);
            var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            handler = null;
            return (new Acs.Provisioning.HttpsScriptExtensions(client, options.Extensions), client);
        }
        finally
        {
            handler?.Dispose();
        }
    }

    // The system's roots, or else a chain to one of the extension CAs; the name must match either way.
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || trusted.Count == 0)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
