namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// Thrown by a host function (declare, ext, …) to end a run with a fault. It is a CLR exception, which the sandbox
/// never lets a script's <c>try</c>/<c>catch</c> see, so a script cannot swallow it and carry on.
/// </summary>
internal sealed class ScriptAbort(ScriptFault fault) : Exception(fault.Message)
{
    public ScriptFault Fault { get; } = fault;
}
