using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Cpe.Agent;
using Palisade.Xmpp;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// The agent as an XMPP client (TR-069 Annex K): it stays logged in to the XMPP server (TLS, SASL, keep-alive,
/// reconnect), reports the bound JID as ManagementServer.ConnReqJabberID, and answers a connection-request IQ only
/// from a sender that ConnReqAllowedJabberIDs lists (others: <c>service-unavailable</c>, no session), only with the
/// device's connection-request user name and password (else <c>not-authorized</c>), and at most three at once, then
/// one every two seconds (else <c>resource-constraint</c>). An accepted request gets an empty result and a session with
/// "6 CONNECTION REQUEST".
/// </summary>
public sealed partial class XmppConnectionRequestListener : IAsyncDisposable
{
    private readonly CpeAgent _agent;
    private readonly XmppClient _client;
    private readonly TokenBucket _limit;
    private readonly ILogger _log;
    private long _accepted;
    private long _refused;

    public XmppConnectionRequestListener(CpeAgent agent, XmppOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        _agent = agent ?? throw new ArgumentNullException(nameof(agent));
        _log = logger ?? NullLogger.Instance;
        _limit = new TokenBucket(3, 0.5, time ?? TimeProvider.System);
        _client = new XmppClient(options, HandleAsync, time, logger);
        _client.JidChanged += jid =>
        {
            if (jid is not null)
            {
                _agent.XmppBound(jid.ToString());
            }
        };
    }

    /// <summary>The XMPP client (tests wait for its login).</summary>
    public XmppClient Client => _client;

    /// <summary>Connection requests that led to a session.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Connection requests refused (sender not allowed, wrong credentials, too many).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Starts logging in, in the background.</summary>
    public void Start() => _client.Start();

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async ValueTask HandleAsync(XmppConnection connection, XElement iq)
    {
        await connection.SendAsync(Answer(iq), CancellationToken.None).ConfigureAwait(false);
    }

    // The answer to one IQ; a request that passes every check also wakes the agent.
    private XElement Answer(XElement iq)
    {
        if (!ConnectionRequestIq.TryRead(iq, out var username, out var password))
        {
            // Not a connection request (or credentials beyond TR-069's bounds): nothing else is offered here.
            return XmppConnection.Error(iq, "cancel", "service-unavailable");
        }

        var from = (string?)iq.Attribute("from");
        if (!Jid.TryParse(from, out var sender) || !_agent.AllowsXmppSender(sender))
        {
            Interlocked.Increment(ref _refused);
            Log.SenderNotAllowed(_log, _agent.Model.Identity.SerialNumber, from ?? "(none)");
            return XmppConnection.Error(iq, "cancel", "service-unavailable");
        }

        if (_agent.ConnectionRequestCredentials is not { } expected || !Same(username, expected.Username) | !Same(password, expected.Password))
        {
            Interlocked.Increment(ref _refused);
            return XmppConnection.Error(iq, "auth", "not-authorized");
        }

        if (!_limit.TryTake())
        {
            Interlocked.Increment(ref _refused);
            return XmppConnection.Error(iq, "wait", "resource-constraint");
        }

        Interlocked.Increment(ref _accepted);
        _agent.ConnectionRequested();
        return XmppConnection.Result(iq);
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "cpe {Serial}: XMPP connection request from {Sender} refused: not in ConnReqAllowedJabberIDs")]
        public static partial void SenderNotAllowed(ILogger logger, string serial, string sender);
    }
}
