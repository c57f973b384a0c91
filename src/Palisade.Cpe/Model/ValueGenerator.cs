using System.Globalization;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Model;

/// <summary>
/// Plausible per-device values for parameters nobody set: identity from the device, MAC and IP addresses
/// derived from the serial number, counters that grow with uptime, enumerations at their default.
/// </summary>
internal static class ValueGenerator
{
    private static readonly string[] CounterSuffixes = ["BytesSent", "BytesReceived", "PacketsSent", "PacketsReceived", "UnicastPacketsSent", "UnicastPacketsReceived"];

    public static bool IsDynamic(TemplateEntry entry) =>
        entry.CountsTable is not null || entry.Path.EndsWith("DeviceInfo.UpTime", StringComparison.Ordinal)
        || entry.Path.EndsWith("Time.CurrentLocalTime", StringComparison.Ordinal)
        || CounterSuffixes.Any(s => entry.Path.EndsWith(s, StringComparison.Ordinal));

    public static string Generate(TemplateEntry entry, DeviceIdentity id, string softwareVersion, long uptimeSeconds, DateTimeOffset now)
    {
        var p = entry.Parameter!;
        var name = p.Name;
        var path = entry.Path;
        if (entry.FixedValue is { } fixedValue)
        {
            return fixedValue;
        }

        if (entry.Object.Path is "Device.DeviceInfo." or "InternetGatewayDevice.DeviceInfo.")
        {
            switch (name)
            {
                case "Manufacturer": return id.Manufacturer;
                case "ManufacturerOUI": return id.Oui;
                case "ProductClass": return id.ProductClass;
                case "SerialNumber": return id.SerialNumber;
                case "ModelName": return id.ModelName;
                case "HardwareVersion": return id.HardwareVersion;
                case "SoftwareVersion": return softwareVersion;
                case "UpTime": return uptimeSeconds.ToString(CultureInfo.InvariantCulture);
                case "Description": return id.ModelName + " home gateway (Palisade simulator)";
                case "ProvisioningCode": return string.Empty;
            }
        }

        if (name == "CurrentLocalTime")
        {
            return CwmpDateTime.Format(now);
        }

        if (CounterSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)))
        {
            var rate = 1000 + (DeviceIdentity.StableHash(path) & 0xFFF);
            return (uptimeSeconds * rate / (name.Contains("Packets", StringComparison.Ordinal) ? 700 : 1)).ToString(CultureInfo.InvariantCulture);
        }

        if (p.DataType is "MACAddress")
        {
            var h = (uint)DeviceIdentity.StableHash(id.SerialNumber + path);
            return string.Create(CultureInfo.InvariantCulture, $"02:{id.Seed >> 16 & 0xFF:X2}:{id.Seed >> 8 & 0xFF:X2}:{id.Seed & 0xFF:X2}:{h >> 8 & 0xFF:X2}:{h & 0xFF:X2}");
        }

        if (p.DataType is "IPv4Address" or "IPAddress" && name.Contains("Address", StringComparison.Ordinal))
        {
            var h = (uint)DeviceIdentity.StableHash(id.SerialNumber + path);
            return string.Create(CultureInfo.InvariantCulture, $"192.168.1.{2 + (h % 250)}");
        }

        if (name == "SSID")
        {
            return "Palisade-" + id.SerialNumber[Math.Max(0, id.SerialNumber.Length - 4)..];
        }

        if (name == "Alias")
        {
            return "cpe-" + DeviceIdentity.StableHash(path).ToString("x8", CultureInfo.InvariantCulture);
        }

        if (p.Enumeration.Count > 0)
        {
            return p.Default is { } d && p.Enumeration.Contains(d) ? d
                : name == "Status" && p.Enumeration.Contains("Up") ? "Up"
                : name == "Status" && p.Enumeration.Contains("Enabled") ? "Enabled"
                : p.Enumeration[0];
        }

        return p.Type switch
        {
            XsdType.Boolean => p.Default is "true" or "1" || (p.Default is null && name == "Enable") ? "true" : "false",
            XsdType.Int or XsdType.UnsignedInt or XsdType.Long or XsdType.UnsignedLong =>
                long.TryParse(p.Default, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n.ToString(CultureInfo.InvariantCulture)
                : p.Min is { } min && min > 0 ? min.ToString(CultureInfo.InvariantCulture) : "0",
            XsdType.DateTime => CwmpDateTime.Format(CwmpDateTime.Unknown),
            _ => p.Default is { } s && !s.Contains(' ', StringComparison.Ordinal) && s != "InstanceNumber" ? s : string.Empty,
        };
    }
}
