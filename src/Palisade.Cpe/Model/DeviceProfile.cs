using System.Text.Json;
using System.Text.Json.Serialization;

namespace Palisade.Cpe.Model;

/// <summary>
/// What a simulated product line looks like: which root model, which parts of it, how many instances of each
/// table, and fixed values. Read from a JSON profile file (<c>--profile</c>), or one of the built-in profiles.
/// </summary>
public sealed class DeviceProfile
{
    /// <summary><c>tr181</c> or <c>tr098</c>.</summary>
    public string Model { get; set; } = "tr181";

    public string Manufacturer { get; set; } = "Palisade Simulated";

    public string Oui { get; set; } = "00D09E";

    public string ProductClass { get; set; } = "SIM-GW";

    public string ModelName { get; set; } = "SIM-GW 1000";

    public string SoftwareVersion { get; set; } = "1.0.0";

    public string HardwareVersion { get; set; } = "rev-A";

    /// <summary>Object path prefixes to keep (schema form or plain; empty keeps everything).</summary>
    public List<string> Include { get; set; } = [];

    /// <summary>Object path prefixes to drop.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Instances per table, by schema path (<c>Device.WiFi.SSID.{i}.</c>); tables not named get <see cref="DefaultInstances"/>.</summary>
    public Dictionary<string, int> Instances { get; set; } = [];

    /// <summary>Instances of tables not named in <see cref="Instances"/>.</summary>
    public int DefaultInstances { get; set; } = 1;

    /// <summary>Fixed values by full parameter path (instance numbers, not <c>{i}</c>).</summary>
    public Dictionary<string, string> Values { get; set; } = [];

    /// <summary>
    /// Parameters to cap the model at (0: no cap). DeviceInfo and ManagementServer are always kept (a CPE cannot do
    /// CWMP without them); the rest are the first in path order up to N, with their objects.
    /// </summary>
    public int MaxParameters { get; set; }

    /// <summary>The root model.</summary>
    [JsonIgnore]
    public RootModel Root => Model.Equals("tr098", StringComparison.OrdinalIgnoreCase) ? RootModel.Tr098 : RootModel.Tr181;

    /// <summary>A home gateway: device info, management server, time, Wi-Fi, IP, Ethernet, hosts, DHCP, NAT, DNS. A few hundred parameters.</summary>
    public static DeviceProfile Gateway(string model = "tr181") => model.Equals("tr098", StringComparison.OrdinalIgnoreCase)
        ? new DeviceProfile
        {
            Model = "tr098",
            Include =
            [
                "InternetGatewayDevice.DeviceInfo.", "InternetGatewayDevice.ManagementServer.", "InternetGatewayDevice.Time.",
                "InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.", "InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.",
                "InternetGatewayDevice.LANDevice.{i}.Hosts.", "InternetGatewayDevice.WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.",
                "InternetGatewayDevice.LANDevice.{i}.LANEthernetInterfaceConfig.{i}.",
            ],
            Instances = new() { ["InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}."] = 2, ["InternetGatewayDevice.LANDevice.{i}.Hosts.Host.{i}."] = 3, ["InternetGatewayDevice.LANDevice.{i}.LANEthernetInterfaceConfig.{i}."] = 4 },
        }
        : new DeviceProfile
        {
            Include =
            [
                "Device.DeviceInfo.", "Device.ManagementServer.", "Device.Time.", "Device.WiFi.Radio.{i}.", "Device.WiFi.SSID.{i}.",
                "Device.WiFi.AccessPoint.{i}.", "Device.IP.Interface.{i}.", "Device.Ethernet.Interface.{i}.", "Device.Hosts.",
                "Device.DHCPv4.Server.", "Device.NAT.", "Device.DNS.Client.",
            ],
            Exclude = ["Device.DeviceInfo.VendorLogFile.", "Device.DeviceInfo.ProcessStatus.Process.", "Device.DeviceInfo.FirmwareImage."],
            Instances = new() { ["Device.WiFi.Radio.{i}."] = 2, ["Device.WiFi.SSID.{i}."] = 2, ["Device.WiFi.AccessPoint.{i}."] = 2, ["Device.IP.Interface.{i}."] = 2, ["Device.Ethernet.Interface.{i}."] = 4, ["Device.Hosts.Host.{i}."] = 3 },
        };

    /// <summary>Every object and parameter of the root model, one instance of each table.</summary>
    public static DeviceProfile Full(string model = "tr181") => new() { Model = model };

    /// <summary>Reads a profile file.</summary>
    public static DeviceProfile Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), DeviceProfileJson.Default.DeviceProfile)
                ?? throw new InvalidDataException($"{path} holds no profile.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid profile: {e.Message}", e);
        }
    }

    /// <summary>A built-in profile by name (<c>gateway</c>, <c>full</c>) or a profile file.</summary>
    public static DeviceProfile Resolve(string? nameOrPath, string model) => nameOrPath switch
    {
        null or "gateway" => Gateway(model),
        "full" => Full(model),
        _ => Load(nameOrPath),
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DeviceProfile))]
internal sealed partial class DeviceProfileJson : JsonSerializerContext
{
}
