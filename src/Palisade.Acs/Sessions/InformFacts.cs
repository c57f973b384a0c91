using System.Globalization;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>Turns an Inform into what the registry records about the device.</summary>
internal static class InformFacts
{
    /// <summary>The data-model root the device uses: <c>Device.</c> (TR-181) or <c>InternetGatewayDevice.</c> (TR-098).</summary>
    public static string DataModelRoot(InformRequest inform, Device? known)
    {
        foreach (var p in inform.ParameterList)
        {
            if (p.Name.StartsWith("InternetGatewayDevice.", StringComparison.Ordinal))
            {
                return "InternetGatewayDevice.";
            }

            if (p.Name.StartsWith("Device.", StringComparison.Ordinal))
            {
                return "Device.";
            }
        }

        return known?.DataModelRoot ?? "Device.";
    }

    /// <summary>The device record after this Inform (registration on first contact).</summary>
    public static Device Apply(InformRequest inform, Device? known, DeviceId id, DateTimeOffset now, string version, string remoteAddress, bool tls, string authMethod)
    {
        var root = DataModelRoot(inform, known);
        string? Value(string relative) =>
            inform.ParameterList.FirstOrDefault(p => p.Name.Length == root.Length + relative.Length && p.Name.StartsWith(root, StringComparison.Ordinal) && p.Name.EndsWith(relative, StringComparison.Ordinal))?.Value.Text;

        // The codes are kept as one comma-separated list that filters search; a comma inside a (hostile) code
        // would spell events the device never sent, so it is kept as ';' instead (issue 24 low 13).
        var events = string.Join(',', inform.Events.Select(e => e.EventCode.Replace(',', ';')));
        var has = (string code) => inform.Events.Any(e => e.EventCode == code);
        var device = known ?? new Device { Id = id, RegisteredAt = now };
        var crUrl = Value("ManagementServer.ConnectionRequestURL");
        var udp = Value("ManagementServer.UDPConnectionRequestAddress");
        var previousCr = device.ConnectionRequest;
        return device with
        {
            Manufacturer = inform.DeviceId.Manufacturer,
            LastInformAt = now,
            LastBootAt = has(EventCodes.Boot) ? now : device.LastBootAt,
            LastBootstrapAt = has(EventCodes.Bootstrap) ? now : device.LastBootstrapAt,
            BootstrapExpected = has(EventCodes.Bootstrap)
                ? device.AcsUrlSetAt is { } set && (device.LastBootstrapAt is not { } previous || previous < set)
                : device.BootstrapExpected,
            LastEvents = Palisade.Cwmp.ClientText.Cut(events, 1024),
            CwmpVersion = version,
            RemoteAddress = remoteAddress,
            Transport = tls ? "https" : "http",
            AuthMethod = authMethod,
            DataModelRoot = root,
            ConnectionRequest = crUrl is null && udp is null
                ? previousCr
                : new ConnectionRequestEndpoint(crUrl ?? previousCr?.Url ?? string.Empty, previousCr?.Username, previousCr?.Password, string.IsNullOrEmpty(udp) ? previousCr?.UdpAddress : udp),
            PeriodicInformInterval = uint.TryParse(Value("ManagementServer.PeriodicInformInterval"), NumberStyles.None, CultureInfo.InvariantCulture, out var interval) ? interval : device.PeriodicInformInterval,
            AcsUrl = Value("ManagementServer.URL") ?? device.AcsUrl,
            SoftwareVersion = Value("DeviceInfo.SoftwareVersion") ?? device.SoftwareVersion,
        };
    }

    /// <summary>Adds the Inform's parameters to <paramref name="parameters"/> as cache entries.</summary>
    public static void AddParameters(InformRequest inform, DateTimeOffset now, List<CachedParameter> parameters)
    {
        parameters.EnsureCapacity(parameters.Count + inform.ParameterList.Count);
        foreach (var p in inform.ParameterList)
        {
            parameters.Add(new CachedParameter(p.Name, ResponseApplier.Redact(p.Name, p.Value.Text), p.Value.TypeName, null, null, null, now));
        }
    }
}
