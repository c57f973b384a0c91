namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// Every bound a provision or virtual-parameter script runs under, in one place. A run that breaks one faults its
/// channel with a typed code (<see cref="ScriptFaultCodes"/>) and is retried with back-off; it never stalls the server
/// or another device's session. Validated at start (<see cref="Validate"/>).
/// </summary>
public sealed class ScriptLimits
{
    /// <summary>Statements one run may execute (the deterministic bound on CPU): <c>script.timeout</c> beyond.</summary>
    public int MaxStatements { get; init; } = 50_000;

    /// <summary>Wall-clock time one run may take: <c>script.timeout</c> beyond.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Time all script runs of one session may take together (every channel, every round, virtual parameters
    /// included); a session past it faults its remaining channels with <c>script.timeout</c>.
    /// </summary>
    public TimeSpan SessionBudget { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bytes one run may allocate (measured per thread between statements): <c>script.memory</c> beyond.</summary>
    public long MaxMemoryBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Depth of nested function calls: <c>script.recursion</c> beyond.</summary>
    public int MaxRecursionDepth { get; init; } = 64;

    /// <summary>Length of any one string a built-in may build (<c>repeat</c>, <c>padStart</c>, <c>join</c>, …): <c>script.memory</c> beyond.</summary>
    public int MaxStringLength { get; init; } = 1 << 20;

    /// <summary>Length of any one array: <c>script.memory</c> beyond.</summary>
    public uint MaxArraySize { get; init; } = 100_000;

    /// <summary>Time one regular-expression match may take (catastrophic backtracking): <c>script.timeout</c> beyond.</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// What one run may hand back to the engine: the characters of its declared paths and values, log lines and a
    /// virtual parameter's value together: <c>script.result</c> beyond.
    /// </summary>
    public int MaxResultChars { get; init; } = 256 * 1024;

    /// <summary>Calls to <c>declare()</c> in one run: <c>script.result</c> beyond.</summary>
    public int MaxDeclarations { get; init; } = 2_000;

    /// <summary>
    /// Rounds of one session's provisioning (run, then fetch or write, then run again): <c>script.rounds</c> for the
    /// channels still unsettled after that many.
    /// </summary>
    public int MaxRounds { get; init; } = 8;

    /// <summary>Distinct script versions kept compiled; the least recent goes when a new one comes.</summary>
    public int CompiledCacheSize { get; init; } = 1_024;

    /// <summary>The defaults.</summary>
    public static ScriptLimits Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a bound that would not bound anything.</summary>
    public ScriptLimits Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStatements, 100);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(SessionBudget, Timeout);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMemoryBytes, 1024 * 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecursionDepth, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStringLength, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxArraySize, 1024u);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RegexTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResultChars, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeclarations, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRounds, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(CompiledCacheSize, 16);
        return this;
    }
}
