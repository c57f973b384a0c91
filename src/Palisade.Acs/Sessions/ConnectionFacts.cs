using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Palisade.Acs.Sessions;

/// <summary>What the host knows about the connection a CWMP request came on.</summary>
/// <param name="RemoteAddress">The peer's address.</param>
/// <param name="RemotePort">The peer's port.</param>
/// <param name="TlsProtocol">The negotiated TLS version, or <see cref="SslProtocols.None"/> for plaintext HTTP.</param>
/// <param name="ClientCertificate">The client certificate, already chain-validated by the host against the trusted device CAs; null when none was presented.</param>
public sealed record ConnectionFacts(
    IPAddress RemoteAddress,
    int RemotePort,
    SslProtocols TlsProtocol,
    X509Certificate2? ClientCertificate)
{
    /// <summary>True when the request came over TLS.</summary>
    public bool IsTls => TlsProtocol != SslProtocols.None;
}
