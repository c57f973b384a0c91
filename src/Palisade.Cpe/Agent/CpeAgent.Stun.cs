using System.Globalization;
using System.Net;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cwmp.Events;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    private string? _stunAddress;
    private TimeSpan _stunPreferredKeepAlive = StunClientSettings.DefaultKeepAlive;
    private StunClientSettings? _stun;

    /// <summary>True when the last STUN answer gave another address than the one before (the next request says BINDING-CHANGE).</summary>
    public bool StunBindingChanged { get; private set; }

    /// <summary>
    /// The STUN client's settings as applied (null: off): from the configuration at start, and from the data model's
    /// <c>ManagementServer.STUN*</c> after every successful session (TR-069: what the ACS sets takes effect after the
    /// session), so a SetParameterValues of the ACS starts, stops or retargets the client without a restart.
    /// </summary>
    public StunClientSettings? Stun => Volatile.Read(ref _stun);

    /// <summary>Raised when <see cref="Stun"/> changed (the UDP listener's STUN client then restarts for this device).</summary>
    public event Action<CpeAgent>? StunChanged;

    /// <summary>
    /// STUN told the device its public UDP address (TR-069 Annex G): it becomes UDPConnectionRequestAddress and
    /// NATDetected, reported in every Inform, and at once (4 VALUE CHANGE) when it moved.
    /// </summary>
    public void StunMapped(string address, bool natDetected)
    {
        ArgumentNullException.ThrowIfNull(address);
        StunBindingChanged = _stunAddress is not null && _stunAddress != address;
        var reported = Model.Get(Model.Root + "ManagementServer.UDPConnectionRequestAddress");
        SetFactorySetting(Model.Root + "ManagementServer.NATDetected", natDetected ? "true" : "false");
        SetFactorySetting(Model.Root + "ManagementServer.UDPConnectionRequestAddress", address);
        _stunAddress = address;
        if (reported != address)
        {
            AddEvent(EventCodes.ValueChange);
            Wake();
        }
    }

    /// <summary>
    /// The STUN client stopped (STUNEnable false, or nothing to sign its requests with): NATDetected is false (TR-181) and
    /// UDPConnectionRequestAddress is the socket's own <paramref name="local"/> address again, reported at once when it moved.
    /// </summary>
    public void StunStopped(string local)
    {
        ArgumentNullException.ThrowIfNull(local);
        _stunAddress = null;
        StunBindingChanged = false;
        SetFactorySetting(Model.Root + "ManagementServer.NATDetected", "false");
        if (Model.Get(Model.Root + "ManagementServer.UDPConnectionRequestAddress") != local)
        {
            SetFactorySetting(Model.Root + "ManagementServer.UDPConnectionRequestAddress", local);
            AddEvent(EventCodes.ValueChange);
            Wake();
        }
    }

    /// <summary>
    /// The configuration's STUN client (<c>stunServer</c>, <c>--stun</c>): STUNEnable true, the server's address and port
    /// become the device's factory settings (again after a factory reset), and <paramref name="keepAlive"/> its preferred
    /// period, which STUNMinimumKeepAlivePeriod and STUNMaximumKeepAlivePeriod bound. Applied at once.
    /// </summary>
    public void SetStunDefaults(IPEndPoint server, TimeSpan keepAlive)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (keepAlive < StunClientSettings.MinKeepAlive || keepAlive > StunClientSettings.MaxKeepAlive)
        {
            throw new ArgumentOutOfRangeException(nameof(keepAlive), "The keep-alive period must be from 1 s to a day.");
        }

        _stunPreferredKeepAlive = keepAlive;
        var root = Model.Root + "ManagementServer.";
        SetFactorySetting(root + "STUNEnable", "true");
        SetFactorySetting(root + "STUNServerAddress", server.Address.ToString());
        SetFactorySetting(root + "STUNServerPort", server.Port.ToString(CultureInfo.InvariantCulture));
        ApplyStunSettings();
    }

    // The data model's defaults where the schema's would mislead, for values nobody set (at start, after a factory reset):
    // the STUN port (TR-181: "SHOULD be 3478") and no maximum keep-alive period (-1; the schema's generated 0 would make
    // any minimum period above 0 invalid).
    private void SetStunModelDefaults()
    {
        var root = Model.Root + "ManagementServer.";
        foreach (var (name, value) in new[] { ("STUNServerPort", "3478"), ("STUNMaximumKeepAlivePeriod", "-1") })
        {
            if (Model.Get(root + name) is not null && Model.GetStored(root + name) is null)
            {
                Model.SetInternal(root + name, value);
            }
        }
    }

    // After a successful session (and at start): the client follows what the data model says now.
    private void ApplyStunSettings()
    {
        var settings = ReadStunSettings();
        var old = Volatile.Read(ref _stun);
        if (!Equals(old, settings))
        {
            Volatile.Write(ref _stun, settings);
            if (settings is null)
            {
                AgentLog.StunOff(_log, Model.Identity.SerialNumber);
            }
            else
            {
                AgentLog.StunApplied(_log, Model.Identity.SerialNumber, settings.Server, settings.KeepAlive.TotalSeconds);
            }

            StunChanged?.Invoke(this);
        }
    }

    private StunClientSettings? ReadStunSettings()
    {
        var root = Model.Root + "ManagementServer.";
        if (Model.Get(root + "STUNEnable") is not ("true" or "1"))
        {
            return null;
        }

        var host = Model.Get(root + "STUNServerAddress") is { Length: > 0 } address
            ? address.TrimStart('[').TrimEnd(']')
            : Uri.TryCreate(State.AcsUrl, UriKind.Absolute, out var acs) ? acs.IdnHost.TrimStart('[').TrimEnd(']') : null;
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        var port = uint.TryParse(Model.Get(root + "STUNServerPort"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65_535
            ? (int)p
            : StunClientSettings.DefaultPort;
        var (user, password) = Model.GetStored(root + "STUNUsername") is { Length: > 0 } stunUser
            ? (stunUser, Model.GetStored(root + "STUNPassword") ?? string.Empty)
            : ConnectionRequestCredentials ?? (string.Empty, string.Empty);
        if (user.Length == 0)
        {
            return null;
        }

        // The preferred period, within [minimum, maximum] as the data model bounds it (0: no minimum, -1: no maximum).
        var keepAlive = _stunPreferredKeepAlive;
        var retryCap = StunClientSettings.MaxBackOff;
        if (long.TryParse(Model.Get(root + "STUNMinimumKeepAlivePeriod"), NumberStyles.None, CultureInfo.InvariantCulture, out var min) && min > 0)
        {
            keepAlive = TimeSpan.FromSeconds(Math.Max(keepAlive.TotalSeconds, Math.Min(min, StunClientSettings.MaxKeepAlive.TotalSeconds)));
        }

        if (long.TryParse(Model.Get(root + "STUNMaximumKeepAlivePeriod"), NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0)
        {
            var bound = TimeSpan.FromSeconds(Math.Min(max, StunClientSettings.MaxKeepAlive.TotalSeconds));
            keepAlive = keepAlive > bound ? bound : keepAlive;
            retryCap = bound;
        }

        keepAlive = TimeSpan.FromTicks(Math.Clamp(keepAlive.Ticks, StunClientSettings.MinKeepAlive.Ticks, StunClientSettings.MaxKeepAlive.Ticks));
        return new StunClientSettings(host, port, user, password, keepAlive, retryCap < keepAlive ? keepAlive : retryCap);
    }

    // SetParameterValues of ManagementServer.STUN*: checked before anything is set (9007 for the parameter, nothing
    // changes). The other values of the same request count: a minimum and a maximum period set together are checked
    // against each other. Messages never repeat a password.
    private string? GuardStun(string path, string value, IReadOnlyList<Cwmp.Structs.ParameterValueStruct> request)
    {
        var prefix = Model.Root + "ManagementServer.";
        if (!path.StartsWith(prefix + "STUN", StringComparison.Ordinal))
        {
            return null;
        }

        switch (path[prefix.Length..])
        {
            case "STUNServerAddress":
                return value.Length == 0 || IsHost(value) ? null : "not a host name or IP address";
            case "STUNServerPort":
                return uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is 0 or > 65_535
                    ? "a port from 1 to 65535"
                    : null;
            case "STUNUsername":
                return System.Text.Encoding.UTF8.GetByteCount(value) > MaxStunText || value.Any(char.IsControl) ? $"at most {MaxStunText} bytes of UTF-8 without control characters" : null;
            case "STUNPassword":
                return System.Text.Encoding.UTF8.GetByteCount(value) > MaxStunText ? $"at most {MaxStunText} bytes of UTF-8" : null;
            case "STUNMinimumKeepAlivePeriod" or "STUNMaximumKeepAlivePeriod":
                var min = Period(prefix + "STUNMinimumKeepAlivePeriod");
                var max = Period(prefix + "STUNMaximumKeepAlivePeriod");
                if ((path.EndsWith("MinimumKeepAlivePeriod", StringComparison.Ordinal) ? min : max) is { } own && own > StunClientSettings.MaxKeepAlive.TotalSeconds)
                {
                    return $"at most {StunClientSettings.MaxKeepAlive.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds";
                }

                return min is { } lo && max is { } hi && hi >= 0 && lo > hi
                    ? "STUNMinimumKeepAlivePeriod must not exceed STUNMaximumKeepAlivePeriod"
                    : null;
            default:
                return null;
        }

        // The value this request sets, else the one the device holds; null when it does not read as a number (the
        // type check names that).
        long? Period(string name)
        {
            var text = request.FirstOrDefault(v => v.Name == name)?.Value.Text ?? Model.Get(name);
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
    }

    // The longest STUNUsername or STUNPassword in UTF-8 bytes (the data model's 256 characters could be 1 KiB, and a
    // binding request must fit in one bounded datagram).
    private const int MaxStunText = 256;

    private static bool IsHost(string value)
    {
        var bare = value.StartsWith('[') && value.EndsWith(']') ? value[1..^1] : value;
        if (IPAddress.TryParse(bare, out var address))
        {
            // Not "1" or "010.1": only the usual dotted quad or an IPv6 address.
            return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || address.ToString() == bare;
        }

        return bare.Length <= 253 && Uri.CheckHostName(bare) == UriHostNameType.Dns && bare == value;
    }
}
