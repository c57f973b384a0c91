namespace Palisade.Cwmp;

/// <summary>
/// Every bound the codec enforces on input from the network, with safe defaults sized for real
/// CPE traffic (an Inform is a few KB; a full-tree GetParameterNamesResponse of a large gateway
/// is a few MB). Checked by <see cref="Validate"/> once at start-up.
/// </summary>
public sealed class CwmpLimits
{
    /// <summary>The largest body accepted, in bytes (after decompression). Default 4 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The deepest element nesting accepted. CWMP needs about 8; default 32.</summary>
    public int MaxDepth { get; set; } = 32;

    /// <summary>The most elements in one message. Default 400,000 (about 50,000 parameters with their children).</summary>
    public int MaxElements { get; set; } = 400_000;

    /// <summary>The longest text or attribute value, in characters. Default 64 KiB (TR-069 strings are at most 64 KiB for base64 blobs).</summary>
    public int MaxStringLength { get; set; } = 64 * 1024;

    /// <summary>The most items in one SOAP array. Default 50,000.</summary>
    public int MaxArrayLength { get; set; } = 50_000;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound that is not sensible.</summary>
    public CwmpLimits Validate()
    {
        Require(MaxBodyBytes is >= 1024 and <= 512 * 1024 * 1024, nameof(MaxBodyBytes), "between 1 KiB and 512 MiB");
        Require(MaxDepth is >= 8 and <= 256, nameof(MaxDepth), "between 8 and 256");
        Require(MaxElements is >= 16 and <= 50_000_000, nameof(MaxElements), "between 16 and 50,000,000");
        Require(MaxStringLength is >= 256 and <= 64 * 1024 * 1024, nameof(MaxStringLength), "between 256 and 64 Mi characters");
        Require(MaxArrayLength is >= 1 and <= 10_000_000, nameof(MaxArrayLength), "between 1 and 10,000,000");
        return this;
    }

    private static void Require(bool ok, string name, string range)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"CwmpLimits.{name} must be {range}.");
        }
    }
}
