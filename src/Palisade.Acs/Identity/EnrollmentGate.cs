using System.Net;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Devices;

namespace Palisade.Acs.Identity;

/// <summary>
/// Decides whether a device that got in on the bootstrap credential may go on to enroll: the operator's allow-list,
/// then, for an id never seen, the per-source and total registration rates and the bound on registrations still
/// pending enrollment. Also raises the alert when a second party presents an id already bound to another way in.
/// In memory and lock-protected; the <see cref="RegistrationSweeper"/> keeps the pending count true to the store.
/// </summary>
/// <remarks>
/// The per-source rate counts registrations that do not complete: a source gets its registration back when the device
/// completes enrollment (<see cref="Complete"/>), so a first-boot wave behind one address (a CGNAT, a staging line) is
/// held only to that many registrations unfinished at once, while a source that leaves unfinished registrations
/// behind is held to the rate. The total rate counts every registration, finished or not: it bounds how fast the
/// store can grow with new ids, also for a party that completes enrollment of ids it invents.
/// </remarks>
public sealed class EnrollmentGate
{
    /// <summary>The most source addresses whose registration rate is tracked at once (older ones are forgotten first).</summary>
    public const int MaxTrackedSources = 65_536;

    /// <summary>The most device flags waiting to be recorded (more are dropped until the next sweep; the log has them all).</summary>
    public const int MaxPendingFlags = 1024;

    private readonly EnrollmentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _sources = new(StringComparer.Ordinal);
    private readonly HashSet<(DeviceId Id, string Flag)> _flags = [];
    private Bucket _total;
    private long _pending;

    /// <summary>Creates the gate.</summary>
    public EnrollmentGate(EnrollmentOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = logger ?? throw new ArgumentNullException(nameof(logger));
        _total = new Bucket(TotalBurst, _time.GetTimestamp());
    }

    /// <summary>The options the gate enforces.</summary>
    public EnrollmentOptions Options => _options;

    /// <summary>Registrations believed pending enrollment (recounted from the store by each sweep).</summary>
    public long Pending => Interlocked.Read(ref _pending);

    private double TotalBurst => _options.MaxRegistrationsPerSecond * 10.0;

    /// <summary>
    /// Whether the bootstrap-admitted device <paramref name="id"/> (<paramref name="known"/> its record, if any) from
    /// <paramref name="remote"/> may go on: null when it may, else the refusal.
    /// </summary>
    /// <param name="id">The device.</param>
    /// <param name="known">Its stored record, if any.</param>
    /// <param name="remote">Where it connects from.</param>
    /// <param name="registered">
    /// True when this admission counts as a new registration: the caller must then call <see cref="Withdraw"/> if the
    /// device is not stored after all, or <see cref="Complete"/> once it completes enrollment.
    /// </param>
    public EnrollmentRefusal? Admit(DeviceId id, Device? known, IPAddress remote, out bool registered)
    {
        registered = false;
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(remote);
        if (known is { Credentials.Enrolled: true })
        {
            // Enrolled already (on the bootstrap credential only while a credential change is pending): not a registration.
            return null;
        }

        if (_options.AllowList is { } allow && !allow.Allows(id))
        {
            IdentityLog.NotAllowed(_log, remote.ToString(), id.ToString());
            return new EnrollmentRefusal(403, "this device id is not on the operator's enrollment allow-list");
        }

        if (known is not null)
        {
            // Already registered (pending, or readmitted): it takes no new row, so no registration budget either.
            return null;
        }

        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (Interlocked.Read(ref _pending) >= _options.MaxPendingRegistrations)
            {
                IdentityLog.RegistrationRefused(_log, remote.ToString(), id.ToString(), "pending registrations at their bound");
                return new EnrollmentRefusal(503, "too many registrations are waiting to complete enrollment");
            }

            var source = SourceKey(remote);
            var perMinute = _options.MaxRegistrationsPerSourcePerMinute;
            if (!_sources.TryGetValue(source, out var bucket))
            {
                if (_sources.Count >= MaxTrackedSources)
                {
                    Forget(now);
                }

                bucket = new Bucket(perMinute, now);
            }

            bucket = bucket.Refill(now, _time, perMinute / 60.0, perMinute);
            _total = _total.Refill(now, _time, _options.MaxRegistrationsPerSecond, TotalBurst);
            if (bucket.Tokens < 1 || _total.Tokens < 1)
            {
                _sources[source] = bucket;
                IdentityLog.RegistrationRefused(_log, remote.ToString(), id.ToString(), bucket.Tokens < 1 ? "source over its registration rate" : "registrations over their total rate");
                return new EnrollmentRefusal(503, "new registrations are arriving faster than allowed");
            }

            _sources[source] = bucket with { Tokens = bucket.Tokens - 1 };
            _total = _total with { Tokens = _total.Tokens - 1 };
            Interlocked.Increment(ref _pending);
            registered = true;
            return null;
        }
    }

    /// <summary>A registration <see cref="Admit"/> counted stored nothing (its session never opened or never committed): all of it is given back.</summary>
    public void Withdraw(IPAddress remote) => GiveBack(remote, total: true);

    /// <summary>
    /// The device of a registration <see cref="Admit"/> counted completed enrollment: its source gets the registration
    /// back and it is no longer pending; the total rate keeps it (see the remarks on <see cref="EnrollmentGate"/>).
    /// </summary>
    public void Complete(IPAddress remote) => GiveBack(remote, total: false);

    private void GiveBack(IPAddress remote, bool total)
    {
        ArgumentNullException.ThrowIfNull(remote);
        lock (_lock)
        {
            var perMinute = _options.MaxRegistrationsPerSourcePerMinute;
            var source = SourceKey(remote);
            if (_sources.TryGetValue(source, out var bucket))
            {
                _sources[source] = bucket with { Tokens = Math.Min(perMinute, bucket.Tokens + 1) };
            }

            if (total)
            {
                _total = _total with { Tokens = Math.Min(TotalBurst, _total.Tokens + 1) };
            }

            if (Interlocked.Decrement(ref _pending) < 0)
            {
                // The sweep recounted in between: the registration was already out of the count.
                Interlocked.Exchange(ref _pending, 0);
            }
        }
    }

    /// <summary>Sets the pending count to what the store holds (the sweep's recount).</summary>
    public void SetPending(long count) => Interlocked.Exchange(ref _pending, Math.Max(0, count));

    /// <summary>
    /// A second party presented <paramref name="id"/> with a weaker way in than the one the id is bound to: logs the
    /// alert now (event 240), and remembers the id so that the sweep records the flag on the device.
    /// </summary>
    public void ClaimConflict(DeviceId id, IPAddress remote, string reason)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(remote);
        IdentityLog.ClaimConflict(_log, id.ToString(), remote.ToString(), reason);
        Flag(id, IdentityFlags.IdentityConflict);
    }

    /// <summary>Remembers <paramref name="flag"/> (see <see cref="IdentityFlags"/>) for the sweep to record on the device.</summary>
    public void Flag(DeviceId id, string flag)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrEmpty(flag);
        lock (_lock)
        {
            if (_flags.Count < MaxPendingFlags)
            {
                _flags.Add((id, flag));
            }
        }
    }

    /// <summary>Takes the device flags still to be recorded.</summary>
    public IReadOnlyList<(DeviceId Id, string Flag)> TakeFlags()
    {
        lock (_lock)
        {
            var taken = _flags.ToList();
            _flags.Clear();
            return taken;
        }
    }

    // IPv6 hosts get a /64 each: one address per source would let one subscriber use 2^64 of them.
    private static string SourceKey(IPAddress remote)
    {
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        if (remote.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return remote.ToString();
        }

        var bytes = remote.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }

    // Drops sources whose bucket is full again (they have been quiet long enough); if none is, the oldest half.
    private void Forget(long now)
    {
        var perMinute = _options.MaxRegistrationsPerSourcePerMinute;
        foreach (var (key, bucket) in _sources.ToList())
        {
            if (bucket.Refill(now, _time, perMinute / 60.0, perMinute).Tokens >= perMinute)
            {
                _sources.Remove(key);
            }
        }

        if (_sources.Count >= MaxTrackedSources)
        {
            foreach (var key in _sources.OrderBy(s => s.Value.At).Take(_sources.Count / 2).Select(s => s.Key).ToList())
            {
                _sources.Remove(key);
            }
        }
    }

    private readonly record struct Bucket(double Tokens, long At)
    {
        public Bucket Refill(long now, TimeProvider time, double perSecond, double capacity) =>
            new(Math.Min(capacity, Tokens + (time.GetElapsedTime(At, now).TotalSeconds * perSecond)), now);
    }
}
