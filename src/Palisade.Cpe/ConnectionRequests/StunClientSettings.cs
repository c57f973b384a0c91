using System.Globalization;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// What a device's STUN client does (TR-069 Annex G, TR-181 <c>ManagementServer.STUN*</c>), as the agent applied it:
/// at start from its configuration, then after every session from its data model (so a SetParameterValues of the
/// ACS takes effect when the session ends). Two equal settings mean the client goes on unchanged; any difference
/// restarts it (its next request says BINDING-CHANGE).
/// </summary>
/// <param name="Host">STUNServerAddress, or the ACS URL's host when that is empty (a name or an address).</param>
/// <param name="Port">STUNServerPort (3478 when unset).</param>
/// <param name="Username">STUNUsername, or the connection-request user name when empty (Palisade's STUN server knows devices by it).</param>
/// <param name="Password">STUNPassword, or the connection-request password: the MESSAGE-INTEGRITY key. Never logged.</param>
/// <param name="KeepAlive">How often a binding request goes out while the server answers.</param>
/// <param name="RetryCap">The longest wait between requests while the server does not answer (back-off).</param>
public sealed record StunClientSettings(string Host, int Port, string Username, string Password, TimeSpan KeepAlive, TimeSpan RetryCap)
{
    /// <summary>The STUN port when STUNServerPort is unset (RFC 5389).</summary>
    public const int DefaultPort = 3478;

    /// <summary>The keep-alive period a device prefers when its configuration names none (NAT bindings for UDP last 30 s or more).</summary>
    public static readonly TimeSpan DefaultKeepAlive = TimeSpan.FromSeconds(30);

    /// <summary>The shortest keep-alive period, whatever the data model says.</summary>
    public static readonly TimeSpan MinKeepAlive = TimeSpan.FromSeconds(1);

    /// <summary>The longest keep-alive period (and the largest value STUNMinimumKeepAlivePeriod and STUNMaximumKeepAlivePeriod accept).</summary>
    public static readonly TimeSpan MaxKeepAlive = TimeSpan.FromDays(1);

    /// <summary>The longest back-off while the server does not answer, unless STUNMaximumKeepAlivePeriod says otherwise.</summary>
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromMinutes(5);

    /// <summary>Where the requests go, for log lines (never the password).</summary>
    public string Server => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The settings without the password.</summary>
    public override string ToString() => $"STUN {Server} as {Username}, keep-alive {KeepAlive.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";

    /// <summary>The wait before the next request after <paramref name="failures"/> requests in a row got no answer: the keep-alive period, doubled per failure up to <see cref="RetryCap"/>.</summary>
    public TimeSpan Delay(int failures)
    {
        if (failures <= 0)
        {
            return KeepAlive;
        }

        var ticks = KeepAlive.Ticks;
        for (var i = 0; i < failures && ticks < RetryCap.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, Math.Max(RetryCap.Ticks, KeepAlive.Ticks)));
    }
}
