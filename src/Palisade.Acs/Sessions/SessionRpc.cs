using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>One ACS→CPE RPC waiting to be sent or waiting for its answer, with the step that will handle the answer.</summary>
/// <param name="Step">The step that queued it and receives its answer or fault.</param>
/// <param name="Request">The RPC.</param>
/// <param name="Task">The operator task it runs, or null for the ACS's own RPCs; counted as an attempt when sent.</param>
public sealed record SessionRpc(ISessionStep Step, CwmpMessage Request, DeviceTask? Task = null)
{
    /// <summary>Whatever the step needs back with the answer (the secret being set, the phase of a task); never logged.</summary>
    public object? State { get; init; }

    /// <summary>Names the step and the method; never the state, which may hold secrets.</summary>
    public override string ToString() => $"SessionRpc {{ {Step.Name} {Request.MethodName} task={Task?.Id} }}";
}
