namespace Palisade.Cpe.Model;

/// <summary>Who a CPE is: the DeviceId of its Informs and the facts that never change.</summary>
public sealed record DeviceIdentity(string Manufacturer, string Oui, string ProductClass, string SerialNumber, string ModelName, string HardwareVersion)
{
    /// <summary>A stable per-device number for plausible generated values (MAC addresses, addresses).</summary>
    public uint Seed => (uint)StableHash(SerialNumber);

    /// <summary>FNV-1a: stable across processes, unlike string.GetHashCode.</summary>
    public static int StableHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }
}
