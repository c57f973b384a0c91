namespace Palisade.Acs.Sessions;

/// <summary>
/// What one device may store in the ACS's parameter cache. A CPE (or whoever holds the public bootstrap credential)
/// decides what it reports; these bounds decide what the ACS keeps. Whatever passes them is not stored, the device
/// is flagged (<see cref="Identity.IdentityFlags.StorageBound"/>), and a task whose answer passed them faults with
/// 8004 (resources exceeded). Validated at start-up with <see cref="SessionOptions"/>.
/// </summary>
public sealed class DeviceLimits
{
    /// <summary>The longest parameter name kept (TR-069 A.3.2.1: a ParameterName is a string(256)).</summary>
    public int MaxNameLength { get; set; } = 256;

    /// <summary>The longest parameter value kept, in characters.</summary>
    public int MaxValueLength { get; set; } = 16 * 1024;

    /// <summary>The most parameters one session may write to the device's cache.</summary>
    public int MaxParametersPerSession { get; set; } = 50_000;

    /// <summary>The most characters (names plus values) one session may write to the device's cache.</summary>
    public long MaxBytesPerSession { get; set; } = 8L * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound out of range.</summary>
    public void Validate()
    {
        // The store refuses names above 1,024 and values above 65,536 characters; bounds stay below so a commit never fails on them.
        Require(MaxNameLength is >= 16 and <= 1024, nameof(MaxNameLength), "must be between 16 and 1024");
        Require(MaxValueLength is >= 256 and <= 65_536, nameof(MaxValueLength), "must be between 256 and 65536");
        Require(MaxParametersPerSession is >= 100 and <= 10_000_000, nameof(MaxParametersPerSession), "must be between 100 and 10000000");
        Require(MaxBytesPerSession is >= 64 * 1024 and <= 1024L * 1024 * 1024, nameof(MaxBytesPerSession), "must be between 64 KiB and 1 GiB");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"DeviceLimits.{name} {rule}.");
        }
    }
}
