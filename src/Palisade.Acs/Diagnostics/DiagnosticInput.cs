namespace Palisade.Acs.Diagnostics;

/// <summary>An input of a diagnostic: its camelCase name in the task, its parameter name, and whether it is a number.</summary>
/// <param name="Json">The name in the task JSON.</param>
/// <param name="Parameter">The parameter under the diagnostic's object.</param>
/// <param name="Number">An unsignedInt (otherwise a string).</param>
/// <param name="Required">The task must give it.</param>
/// <param name="Min">The smallest number accepted (the data model's range).</param>
/// <param name="Max">The largest number accepted: the data model's range, or where it has none a bound of Palisade's own (docs/reach.md).</param>
public sealed record DiagnosticInput(string Json, string Parameter, bool Number, bool Required = false, uint Min = 0, uint Max = uint.MaxValue)
{
    /// <summary>NumberOfRepetitions (TR-181 unsignedInt[1:]): at most this many, so one task cannot keep a CPE busy for days.</summary>
    public const uint MaxRepetitions = 1000;

    /// <summary>Timeout in milliseconds (unsignedInt[1:]): at most an hour per wait (Palisade's agent ends any diagnostic after ten minutes).</summary>
    public const uint MaxTimeout = 3_600_000;

    /// <summary>DataBlockSize, Port and InterTransmissionTime: unsignedInt[1:65535] in TR-181 and TR-098.</summary>
    public const uint Max16 = 65_535;

    /// <summary>A count of repetitions, 1 to <see cref="MaxRepetitions"/>.</summary>
    public static DiagnosticInput Repetitions() => new("numberOfRepetitions", "NumberOfRepetitions", true, Min: 1, Max: MaxRepetitions);

    /// <summary>A timeout in milliseconds, 1 to <see cref="MaxTimeout"/>.</summary>
    public static DiagnosticInput Timeout() => new("timeout", "Timeout", true, Min: 1, Max: MaxTimeout);

    /// <summary>A data block size in bytes, 1 to 65535.</summary>
    public static DiagnosticInput DataBlockSize() => new("dataBlockSize", "DataBlockSize", true, Min: 1, Max: Max16);
}
