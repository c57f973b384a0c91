using Microsoft.Extensions.Logging;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Xmpp;

namespace Palisade.Acs.Xmpp;

/// <summary>
/// The ACS as an XMPP client of the ISP's XMPP server (TR-069 Annex K): it stays logged in (<see cref="XmppClient"/>:
/// TLS, SASL, keep-alive, reconnect) and sends a connection-request IQ, with the device's connection-request user name
/// and password, to the JID the device reported in ManagementServer.ConnReqJabberID. IQs sent to the ACS are answered
/// service-unavailable. The answer becomes a fixed reason: an empty result is <see cref="ConnectionRequestReason.XmppSent"/>.
/// The JID is the device's word, so a request goes only where <see cref="XmppTargetPolicy"/> allows (the account's own
/// domain and the operator's <c>--xmpp-allow-domain</c> list); anything else is <see cref="ConnectionRequestReason.RefusedAddress"/>.
/// </summary>
public sealed class XmppConnectionRequests : IAsyncDisposable
{
    private readonly XmppClient _client;
    private readonly TimeSpan _timeout;
    private readonly XmppTargetPolicy _targets;
    private readonly ILogger _logger;

    /// <summary>The account to log in with; <paramref name="allowedDomains"/>: domains besides its own that requests may go to (<c>--xmpp-allow-domain</c>).</summary>
    public XmppConnectionRequests(XmppOptions options, TimeSpan? timeout = null, TimeProvider? time = null, ILogger? logger = null, IEnumerable<string>? allowedDomains = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _targets = new XmppTargetPolicy(options.Jid, allowedDomains);
        _client = new XmppClient(options, null, time, logger);
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The client (tests wait for its login).</summary>
    public XmppClient Client => _client;

    /// <summary>Starts logging in, in the background.</summary>
    public void Start() => _client.Start();

    /// <summary>The domains requests may go to: the account's, then those the operator allowed.</summary>
    public IReadOnlyList<string> AllowedDomains => _targets.Domains;

    /// <summary>
    /// Sends the connection request for <paramref name="device"/> to <paramref name="jid"/> (what the device reported)
    /// and waits (bounded) for the device's answer. A JID outside the allowed domains, or the ACS's own account, gets
    /// nothing: <see cref="ConnectionRequestReason.RefusedAddress"/>, logged (event 603) without the credentials.
    /// </summary>
    public async Task<ConnectionRequestReason> SendAsync(string device, string jid, string? username, string? password, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(jid, out var to))
        {
            return ConnectionRequestReason.NoEndpoint;
        }

        var verdict = _targets.Check(to);
        if (verdict != XmppTargetVerdict.Allowed)
        {
            ConnectionRequestLog.RefusedJabberId(_logger, device, to.Domain.Length > 255 ? to.Domain[..255] : to.Domain, verdict);
            return ConnectionRequestReason.RefusedAddress;
        }

        if (username is null || password is null)
        {
            return ConnectionRequestReason.NoCredentials;
        }

        if (_client.Current is not { } connection)
        {
            return ConnectionRequestReason.XmppNotConnected;
        }

        try
        {
            var answer = await connection.RequestAsync(ConnectionRequestIq.Build(to, username, password), _timeout, cancellationToken).ConfigureAwait(false);
            return (string?)answer.Attribute("type") == "result"
                ? ConnectionRequestReason.XmppSent
                : ConnectionRequestIq.ErrorCondition(answer) is "not-authorized" or "forbidden" ? ConnectionRequestReason.AuthFailed : ConnectionRequestReason.Rejected;
        }
        catch (TimeoutException)
        {
            return ConnectionRequestReason.Timeout;
        }
        catch (Exception e) when (e is XmppException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The stream ended under the request; the client logs in again by itself.
            return ConnectionRequestReason.XmppNotConnected;
        }
    }

    /// <summary>
    /// Reads the Jabber ID a device reported: ManagementServer.ConnReqJabberID (TR-181 <c>Device.</c> and TR-098
    /// <c>InternetGatewayDevice.</c>), which CPEs send with forced active notification, from its cached parameters.
    /// </summary>
    public static Func<Device, CancellationToken, Task<string?>> ReportedJabberIds(IDeviceRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return async (device, cancellationToken) =>
        {
            var name = (device.DataModelRoot ?? "Device.") + JabberIdParameter;
            var found = await registry.GetParametersAsync(device.Id, name, cancellationToken).ConfigureAwait(false);
            return found.FirstOrDefault(p => p.Path == name)?.Value;
        };
    }

    /// <summary>An operator's <c>--xmpp-allow-domain</c> entry in lower case; throws naming the option when it is not a bare domain.</summary>
    public static string CheckDomain(string domain) => XmppTargetPolicy.NormalizeDomain(domain);

    /// <summary>The parameter under the data-model root that holds the device's Jabber ID.</summary>
    public const string JabberIdParameter = "ManagementServer.ConnReqJabberID";

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
