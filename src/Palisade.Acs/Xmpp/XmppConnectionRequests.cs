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
/// </summary>
public sealed class XmppConnectionRequests : IAsyncDisposable
{
    private readonly XmppClient _client;
    private readonly TimeSpan _timeout;

    public XmppConnectionRequests(XmppOptions options, TimeSpan? timeout = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _client = new XmppClient(options, null, time, logger);
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The client (tests wait for its login).</summary>
    public XmppClient Client => _client;

    /// <summary>Starts logging in, in the background.</summary>
    public void Start() => _client.Start();

    /// <summary>Sends the connection request to <paramref name="jid"/> and waits (bounded) for the device's answer.</summary>
    public async Task<ConnectionRequestReason> SendAsync(string jid, string? username, string? password, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(jid, out var to))
        {
            return ConnectionRequestReason.NoEndpoint;
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

    /// <summary>The parameter under the data-model root that holds the device's Jabber ID.</summary>
    public const string JabberIdParameter = "ManagementServer.ConnReqJabberID";

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
