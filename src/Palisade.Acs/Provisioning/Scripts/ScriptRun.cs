namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>How one run of a script ended.</summary>
internal readonly record struct ScriptRun(ScriptRunStatus Status, object? Value, ScriptFault? Fault)
{
    /// <summary>The API refused what the script asked (a <see cref="ScriptAbort"/>): the same in any engine.</summary>
    public bool Aborted { get; init; }

    public static ScriptRun Completed(object? value) => new(ScriptRunStatus.Completed, value, null);

    public static ScriptRun Pending { get; } = new(ScriptRunStatus.Pending, null, null);

    public static ScriptRun Faulted(ScriptFault fault) => new(ScriptRunStatus.Faulted, null, fault);
}

/// <summary>The end of a run.</summary>
internal enum ScriptRunStatus
{
    /// <summary>It ran to its end (its return value, if any, is the run's value).</summary>
    Completed,

    /// <summary>It read data still to be fetched, and stopped there.</summary>
    Pending,

    /// <summary>It broke a limit, threw, or used the API wrongly.</summary>
    Faulted,
}
