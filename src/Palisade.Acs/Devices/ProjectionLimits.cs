namespace Palisade.Acs.Devices;

/// <summary>
/// How much one device list may project: any reader of devices can ask for a projection, so it is bounded like any
/// other hostile input. A projection of <c>Device.</c> named 64 times took 15 s of CPU and returned 17 MB (issue 24).
/// </summary>
public sealed class ProjectionLimits
{
    /// <summary>The most distinct paths one projection may name (after duplicates and covered paths are dropped). Default 64.</summary>
    public int MaxPaths { get; set; } = 64;

    /// <summary>The longest path, in characters (TR-069 parameter names are <c>string(256)</c>). Default 256.</summary>
    public int MaxPathLength { get; set; } = 256;

    /// <summary>The most parameter values one list response may carry; above it the request is refused with 422. Default 100,000.</summary>
    public int MaxValues { get; set; } = 100_000;

    /// <summary>The most characters of names and values one list response may carry; above it, 422. Default 8 Mi.</summary>
    public int MaxCharacters { get; set; } = 8 * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound out of range.</summary>
    public ProjectionLimits Validate()
    {
        Require(MaxPaths is >= 1 and <= 1024, nameof(MaxPaths), "between 1 and 1024");
        Require(MaxPathLength is >= 16 and <= 4096, nameof(MaxPathLength), "between 16 and 4096");
        Require(MaxValues is >= 1 and <= 10_000_000, nameof(MaxValues), "between 1 and 10,000,000");
        Require(MaxCharacters is >= 1024 and <= 256 * 1024 * 1024, nameof(MaxCharacters), "between 1 Ki and 256 Mi");
        return this;
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"ProjectionLimits.{name} must be {rule}.");
        }
    }
}
