using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>
/// One resident of a CWMP session: enrollment, connection-request credentials, operator tasks, moveToHttps, and
/// later provisioning and campaigns. The engine runs the steps it was given, in their order, through every session;
/// it knows no step by name. A step queues RPCs on the <see cref="CwmpSession"/>, and each RPC carries the step that
/// queued it, so the answer or fault comes back to that step alone. Steps are shared by all sessions: whatever a
/// step must remember within one session goes into the RPC's <see cref="SessionRpc.State"/> or the session's
/// <see cref="CwmpSession.SetStepState"/>, never into the step's fields.
/// </summary>
/// <remarks>
/// The hooks, in the order a session meets them: <see cref="OpenAsync"/> once after the authenticated Inform;
/// <see cref="TryRunTask"/> for each operator task the task step takes from the queue;
/// <see cref="CpeRequestAsync"/> for each request the CPE sends (TransferComplete, RequestDownload, ...);
/// <see cref="AnswerAsync"/> for each answer or fault to an RPC of this step; <see cref="DrainedAsync"/> each time
/// the queue runs empty, so that a step can queue another round that depends on the answers so far. The session ends
/// when the queue stays empty after every step was asked, or when it has carried
/// <see cref="SessionOptions.MaxRpcsPerSession"/> RPCs. Hooks run one at a time per session and must not block.
/// </remarks>
public interface ISessionStep
{
    /// <summary>The step's name in logs, e.g. <c>enrollment</c>.</summary>
    string Name { get; }

    /// <summary>The session has opened: the Inform (<see cref="CwmpSession.Inform"/>) was authenticated and answered.</summary>
    ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken);

    /// <summary>
    /// Offered an operator task that has no single RPC of its own (see <see cref="TaskDefinition.ToRequest"/>), or
    /// one this step wants to run itself; true when the step has taken it (and queued what it needs).
    /// </summary>
    bool TryRunTask(CwmpSession session, DeviceTask task, TaskDefinition definition) => false;

    /// <summary>
    /// Offered a request the CPE sent (TransferComplete, AutonomousTransferComplete, DUStateChangeComplete,
    /// AutonomousDUStateChangeComplete, RequestDownload, Kicked); true when this step has dealt with it and later steps
    /// need not see it. The engine writes the protocol's answer either way.
    /// </summary>
    ValueTask<bool> CpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    /// <summary>The CPE answered <paramref name="rpc"/>, which this step queued: a response, or a <see cref="CwmpFault"/>.</summary>
    ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken);

    /// <summary>The queue is empty and nothing is outstanding: queue another round, or nothing to let the session end.</summary>
    ValueTask DrainedAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
