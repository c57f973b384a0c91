using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Palisade.Cpe.Agent;
using Palisade.Cwmp.Stun;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// The STUN client of the devices registered on one UDP connection-request socket (TR-069 Annex G): from that socket
/// (so the NAT binding is the one requests come back through), each device whose <see cref="CpeAgent.Stun"/> is on
/// sends a Binding request with CONNECTION-REQUEST-BINDING, its user name and MESSAGE-INTEGRITY every keep-alive period;
/// BINDING-CHANGE in its first request after a (re)start and after its mapped address moved. A device whose settings
/// change (the ACS wrote them, the session ended) is handled at once: started, stopped, or moved to its new server.
/// A request without an answer by the next one, a refusal or a name that does not resolve counts as a failure: the
/// period doubles per failure up to <see cref="StunClientSettings.RetryCap"/>, and the client goes on. Only the
/// listener's shutdown ends it.
/// </summary>
internal sealed partial class StunClient
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromDays(1);

    private readonly UdpClient _socket;
    private readonly IPEndPoint _local;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly CancellationToken _stop;
    private readonly ConcurrentDictionary<CpeAgent, Binding> _devices = new();
    private readonly ConcurrentDictionary<string, CpeAgent> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Action<CpeAgent> _changed;

    // Devices to look at in the next round (settings changed, an answer moved their next request), and when each of the
    // others is due: a round costs what is due in it, not the whole fleet. Only the loop touches the schedule.
    private readonly ConcurrentQueue<CpeAgent> _dirty = new();
    private readonly PriorityQueue<CpeAgent, DateTimeOffset> _schedule = new();
    private Task? _loop;
    private long _activity;
    private long _round;
    private (long Round, long Activity, DateTimeOffset Next)? _idle;
    private long _sent;
    private long _mapped;
    private long _failures;

    public StunClient(UdpClient socket, IPEndPoint local, TimeProvider time, ILogger log, CancellationToken stop)
    {
        _socket = socket;
        _local = local;
        _time = time;
        _log = log;
        _stop = stop;
        _changed = Changed;
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Mapped => Interlocked.Read(ref _mapped);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Wake-ups so far, whatever their cause (tests: an <see cref="Idle"/> with this count saw all of them).</summary>
    internal long Activity => Interlocked.Read(ref _activity);

    /// <summary>While the loop waits: its round, the <see cref="Activity"/> when that round began, and when it wakes (tests drive a fake clock with it).</summary>
    internal (long Round, long Activity, DateTimeOffset Next)? Idle
    {
        get
        {
            lock (_devices)
            {
                return _idle;
            }
        }
    }

    /// <summary>Adds a device: it binds as its settings say, now and whenever they change.</summary>
    public void Add(CpeAgent agent)
    {
        if (_devices.TryAdd(agent, new Binding()))
        {
            agent.StunChanged += _changed;
        }

        lock (_devices)
        {
            _loop ??= Task.Run(LoopAsync, CancellationToken.None);
        }

        Changed(agent);
    }

    /// <summary>Waits (bounded) for the loop to end after the listener's stop token fired; true when it did.</summary>
    public bool Stop(TimeSpan wait)
    {
        foreach (var agent in _devices.Keys)
        {
            agent.StunChanged -= _changed;
        }

        Task? loop;
        lock (_devices)
        {
            loop = _loop;
        }

        bool ended;
        try
        {
            ended = loop is null || loop.Wait(wait);
        }
        catch (AggregateException)
        {
            // The loop failed (a bug): it has ended all the same.
            ended = true;
        }

        if (ended)
        {
            _wake.Dispose();
        }

        return ended;
    }

    private void Wake()
    {
        Interlocked.Increment(ref _activity);
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: the next round reads every device's settings.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            long round, activity;
            lock (_devices)
            {
                _idle = null;
                round = ++_round;
                activity = Interlocked.Read(ref _activity);
            }

            var now = _time.GetUtcNow();
            var turn = new HashSet<CpeAgent>(ReferenceEqualityComparer.Instance);
            while (_dirty.TryDequeue(out var changed))
            {
                turn.Add(changed);
            }

#pragma warning disable CA2000 // The agents belong to whoever registered them.
            while (_schedule.TryPeek(out _, out var at) && at <= now)
            {
                turn.Add(_schedule.Dequeue());
            }
#pragma warning restore CA2000

            foreach (var agent in turn)
            {
                if (_devices.TryGetValue(agent, out var binding) && await StepAsync(agent, binding, now).ConfigureAwait(false) is var at && at != DateTimeOffset.MaxValue)
                {
                    _schedule.Enqueue(agent, at);
                }
            }

            var next = _schedule.TryPeek(out _, out var first) && first < now + Quiet ? first : now + Quiet;

            // Until the next device is due, or a device's settings changed.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop);
            var delay = next - _time.GetUtcNow();
            Task woken;
            try
            {
                woken = _wake.WaitAsync(wait.Token);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            var timer = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time, wait.Token);
            lock (_devices)
            {
                _idle = (round, activity, next);
            }

            await Task.WhenAny(woken, timer).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(woken, timer).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // One device's turn: follow its settings, send when due. Returns when it is due next.
    private async Task<DateTimeOffset> StepAsync(CpeAgent agent, Binding binding, DateTimeOffset now)
    {
        var settings = agent.Stun;
        bool stopped = false, restarted = false;
        lock (binding)
        {
            if (settings is null)
            {
                stopped = binding.Settings is not null;
                binding.Reset();
            }
            else if (!settings.Equals(binding.Settings))
            {
                restarted = true;
                binding.Reset();
                binding.Settings = settings;
                binding.Due = now;
            }
        }

        if (stopped || restarted)
        {
            foreach (var old in _pending.Where(p => ReferenceEquals(p.Value, agent)).Select(p => p.Key).ToList())
            {
                _pending.TryRemove(old, out _);
            }
        }

        if (settings is null)
        {
            if (stopped)
            {
                Tell(agent, a => a.StunStopped(_local.ToString()));
            }

            return DateTimeOffset.MaxValue;
        }

        string? unanswered;
        IPEndPoint? server;
        lock (binding)
        {
            if (binding.Due > now)
            {
                return binding.Due;
            }

            unanswered = binding.Pending;
            binding.Pending = null;
            server = binding.Server;
        }

        if (unanswered is not null)
        {
            _pending.TryRemove(unanswered, out _);
            Failed(agent, binding, settings, "no answer");
        }

        if (server is null)
        {
            server = await ResolveAsync(settings).ConfigureAwait(false);
            if (server is null)
            {
                Failed(agent, binding, settings, "the name does not resolve");
                return Schedule(binding, now);
            }

            lock (binding)
            {
                binding.Server = server;
            }
        }

        var request = StunMessage.NewBindingRequest()
            .Add(StunMessage.ConnectionRequestBinding, StunMessage.ConnectionRequestBindingValue)
            .Add(StunMessage.Username, System.Text.Encoding.UTF8.GetBytes(settings.Username));

        // The first request after a (re)start says BINDING-CHANGE too (until one is answered): the binding may differ
        // from the one before, and the ACS moves a recorded address only when told (or when the old one went quiet).
        bool change;
        var id = Convert.ToHexString(request.TransactionId);
        lock (binding)
        {
            change = binding.Restarted || agent.StunBindingChanged;
            binding.Pending = id;
            binding.Sent = now;
        }

        if (change)
        {
            request.Add(StunMessage.BindingChange, []);
        }

        _pending[id] = agent;
        try
        {
            await _socket.SendAsync(request.ToBytes(settings.Password.Length > 0 ? settings.Password : null), server, _stop).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (_stop.IsCancellationRequested)
            {
                return DateTimeOffset.MaxValue;
            }

            // No route, or the like: a failure now; the next turn resolves the name again.
            _pending.TryRemove(id, out _);
            lock (binding)
            {
                binding.Pending = null;
                binding.Server = null;
            }

            Failed(agent, binding, settings, e.Message);
        }

        return Schedule(binding, now);
    }

    private static DateTimeOffset Schedule(Binding binding, DateTimeOffset now)
    {
        lock (binding)
        {
            binding.Due = now + binding.Settings!.Delay(binding.Failures);
            return binding.Due;
        }
    }
}
