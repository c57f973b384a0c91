namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>The fault codes of provisioning: each names the bound or failure that ended a channel's run.</summary>
public static class ScriptFaultCodes
{
    /// <summary>Too many statements, too long in wall time, a regular expression that backtracked too long, or the session's script budget spent.</summary>
    public const string Timeout = "script.timeout";

    /// <summary>Too much memory allocated, or a string or array over its bound.</summary>
    public const string Memory = "script.memory";

    /// <summary>Calls nested too deep.</summary>
    public const string Recursion = "script.recursion";

    /// <summary>Too many declarations, or too much handed back (paths, values, log lines, a virtual parameter's value).</summary>
    public const string Result = "script.result";

    /// <summary>The script threw, does not compile, or used the API wrongly (a bad path, a read-only parameter).</summary>
    public const string Error = "script.error";

    /// <summary>The channel did not settle within <see cref="ScriptLimits.MaxRounds"/> rounds.</summary>
    public const string Rounds = "script.rounds";

    /// <summary>An <c>ext()</c> call failed: not allowed, timed out, too large, or the endpoint answered an error.</summary>
    public const string Ext = "ext.error";

    /// <summary>The provision or virtual parameter a preset names does not exist.</summary>
    public const string Missing = "script.missing";

    /// <summary>The CPE answered one of the channel's RPCs with a fault (detail: the CWMP fault code and string).</summary>
    public const string Cwmp = "cwmp.fault";
}
