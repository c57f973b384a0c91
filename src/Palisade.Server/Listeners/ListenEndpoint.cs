using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Palisade.Server.Listeners;

/// <summary>
/// One address and port a listener binds: TLS under <see cref="TlsPolicy"/> when <paramref name="Certificate"/> is
/// set (asking for client certificates that chain to <paramref name="ClientAnchors"/> when those are set), plaintext
/// otherwise.
/// </summary>
public sealed record ListenEndpoint(
    IPAddress Address,
    int Port,
    X509Certificate2? Certificate = null,
    X509Certificate2Collection? ClientAnchors = null,
    HttpProtocols Protocols = HttpProtocols.Http1);
