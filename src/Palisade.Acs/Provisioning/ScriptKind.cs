namespace Palisade.Acs.Provisioning;

/// <summary>The two kinds of stored script; each has its own names.</summary>
public enum ScriptKind
{
    /// <summary>A provision: run by presets, calls <c>declare()</c>.</summary>
    Provision = 1,

    /// <summary>A virtual parameter: returns <c>{writable, value}</c>.</summary>
    VirtualParameter = 2,
}
