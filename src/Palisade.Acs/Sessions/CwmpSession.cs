using System.Diagnostics;
using System.Globalization;
using Palisade.Acs.Auth;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>
/// One open CWMP session as the steps see it: who the device is and what its Inform said, what the session has
/// learned so far (not yet committed), and the queue of RPCs the ACS still has to send. Requests of one session are
/// handled one at a time, so a step never sees it from two threads at once.
/// </summary>
public sealed class CwmpSession
{
    private readonly SessionPipeline _pipeline;
    private int _messageId;
    private Dictionary<ISessionStep, object>? _stepState;
    private long _lastTaskId = -1;
    private DeviceTask? _lastTask;
    private List<SessionRpc>? _dropped;

    internal CwmpSession(SessionPipeline pipeline, Device device, InformRequest inform, AuthDecision authentication, bool firstContact, CwmpVersion version, string remoteAddress, bool tls)
    {
        _pipeline = pipeline;
        Device = device;
        Inform = inform;
        Authentication = authentication;
        IsFirstContact = firstContact;
        Version = version;
        RemoteAddress = remoteAddress;
        Tls = tls;
        Changes = new SessionChanges(device);
    }

    /// <summary>The device as recorded after its Inform (before anything this session changes).</summary>
    public Device Device { get; private set; }

    /// <summary>The device's identity.</summary>
    public DeviceId Id => Device.Id;

    /// <summary>The Inform that opened the session: its events and parameters.</summary>
    public InformRequest Inform { get; }

    /// <summary>The Inform's event codes, comma-separated (as stored on the device).</summary>
    public string Events => Device.LastEvents;

    /// <summary>How the device proved who it is, and whether it must be enrolled now.</summary>
    public AuthDecision Authentication { get; }

    /// <summary>The device's scheme in the access log (see <see cref="AuthMethods"/>).</summary>
    public string AuthMethod => Authentication.Method ?? string.Empty;

    /// <summary>True when the device was unknown before this Inform (it has no tasks and no cached tree yet).</summary>
    public bool IsFirstContact { get; }

    /// <summary>The CWMP version both sides speak in this session.</summary>
    public CwmpVersion Version { get; }

    /// <summary>The CPE's address.</summary>
    public string RemoteAddress { get; }

    /// <summary>True over TLS.</summary>
    public bool Tls { get; }

    /// <summary>Where the new registration this session counts against came from (null: the session made none); see <see cref="Identity.EnrollmentGate"/>.</summary>
    internal System.Net.IPAddress? RegistrationSource { get; set; }

    /// <summary>What the session has learned and changed; committed at once when it ends.</summary>
    public SessionChanges Changes { get; }

    /// <summary>The engine's counters.</summary>
    public SessionCounters Counters => _pipeline.Counters;

    /// <summary>The steps of this engine, in order.</summary>
    public IReadOnlyList<ISessionStep> Steps => _pipeline.Steps;

    /// <summary>The time now, from the engine's clock.</summary>
    public DateTimeOffset Now => _pipeline.Time.GetUtcNow();

    /// <summary>RPCs queued and not yet sent.</summary>
    public int QueuedCount => Pending.Count;

    /// <summary>Queues an RPC after those already queued.</summary>
    public void Enqueue(SessionRpc rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        Pending.Enqueue(rpc);
    }

    /// <summary>Drops every RPC not yet sent (they stay wherever they came from, e.g. queued tasks stay queued).</summary>
    public void ClearQueue()
    {
        foreach (var rpc in Pending)
        {
            if (rpc.Task is not null)
            {
                (_dropped ??= []).Add(rpc);
            }
        }

        Pending.Clear();
    }

    /// <summary>Sets a task's outcome for the commit, replacing any outcome set earlier in this session.</summary>
    public void SetTaskOutcome(long taskId, DeviceTaskStatus status, string? result, TaskFault? fault)
    {
        Changes.Tasks.RemoveAll(t => t.TaskId == taskId);

        // The attempt was counted when the task was taken.
        Changes.Tasks.Add(new TaskUpdate(taskId, status, result, fault) { AttemptDelta = 0 });
    }

    /// <summary>
    /// When <paramref name="answer"/> is a CWMP fault, faults task <paramref name="taskId"/> with it (counted as a faulted
    /// task) and returns true; otherwise changes nothing and returns false. Every step that sends a task's RPC answers a
    /// fault this way.
    /// </summary>
    public bool TryFaultTask(long taskId, CwmpMessage answer)
    {
        if (answer is not CwmpFault fault)
        {
            return false;
        }

        Counters.TasksFaulted.Increment();
        SetTaskOutcome(taskId, DeviceTaskStatus.Faulted, null, ResponseApplier.FaultOf(fault));
        return true;
    }

    /// <summary>This device's task <paramref name="taskId"/> as stored, or null when there is none (or it is another device's).</summary>
    public async ValueTask<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken)
    {
        // Several steps may look at the task a TransferComplete names: read it once.
        if (_lastTaskId != taskId)
        {
            var task = await _pipeline.Store.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
            _lastTask = task is not null && task.DeviceId == Id ? task : null;
            _lastTaskId = taskId;
        }

        return _lastTask;
    }

    /// <summary>What <paramref name="step"/> keeps for the rest of this session, or null.</summary>
    public T? GetStepState<T>(ISessionStep step)
        where T : class =>
        _stepState is not null && _stepState.TryGetValue(step, out var state) ? state as T : null;

    /// <summary>Keeps <paramref name="state"/> for <paramref name="step"/> until the session ends.</summary>
    public void SetStepState(ISessionStep step, object state) => (_stepState ??= [])[step] = state;

    /// <summary>
    /// Starts the session over from <paramref name="device"/>, built on <paramref name="known"/> as read once the device's
    /// lease across nodes was taken (before any step ran): the first read may miss the commit of a session that ended
    /// on another node in between.
    /// </summary>
    internal void Rebase(Device device, Device known)
    {
        Device = device;
        Changes.Device = device;
        Changes.Known = known;
    }

    /// <summary>Serialises requests of this session.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal long StartedAt { get; } = Stopwatch.GetTimestamp();

    internal string Token { get; set; } = string.Empty;

    /// <summary>Whether the device had queued tasks when its lease was taken (null: not told; the tasks step asks the store).</summary>
    internal bool? QueuedTasks { get; set; }

    /// <summary>When this session last took or renewed its device's lease across nodes (<see cref="ISessionLeases"/>).</summary>
    internal DateTimeOffset LeaseRenewedAt { get; set; }

    /// <summary>True while this session holds its device's lease across nodes, so that it is given back at the end.</summary>
    internal bool HoldsLease { get; set; }

    internal Queue<SessionRpc> Pending { get; } = new();

    /// <summary>The RPC sent and not yet answered.</summary>
    internal SessionRpc? Outstanding { get; set; }

    internal int RpcsSent { get; set; }

    internal int CpeRequests { get; set; }

    /// <summary>Method names exchanged, for the access log.</summary>
    internal List<string> Exchanged { get; } = [];

    /// <summary>Set once the session has ended (204, timeout, error), so that it is committed exactly once.</summary>
    internal bool Ended { get; set; }

    /// <summary>
    /// At the end: tasks taken at this session's start (so counted as an attempt) whose RPC was never sent and that have
    /// no outcome get their attempt back; they stay queued as they were.
    /// </summary>
    internal void ReleaseUnsentTasks()
    {
        Release(Pending);
        if (_dropped is not null)
        {
            Release(_dropped);
        }

        void Release(IEnumerable<SessionRpc> unsent)
        {
            foreach (var rpc in unsent)
            {
                if (rpc.Task is { Status: DeviceTaskStatus.Queued } task && !Changes.Tasks.Exists(t => t.TaskId == task.Id))
                {
                    Changes.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Queued, task.Result, task.Fault) { AttemptDelta = -1 });
                }
            }
        }
    }

    internal string NextMessageId() => "acs-" + Interlocked.Increment(ref _messageId).ToString(CultureInfo.InvariantCulture);
}
