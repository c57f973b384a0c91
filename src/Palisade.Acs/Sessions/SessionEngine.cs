using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Auth;
using Palisade.Acs.Devices;
using Palisade.Acs.Identity;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>
/// The CWMP session state machine (TR-069 §3.7): Inform first, authenticated; InformResponse with MaxEnvelopes 1;
/// the CPE's own requests; the empty POST; the ACS's queued RPCs one at a time, each answer or fault applied; 204
/// to end. Everything a session learns is committed to the store at once when it ends, so a crash leaves either
/// all of a session or none of it, and unfinished tasks stay queued.
/// </summary>
public sealed partial class SessionEngine : ICwmpEndpoint
{
    private static readonly KeyValuePair<string, string> SoapContentType = new("Content-Type", CwmpHttpResponse.SoapContentType);

    private readonly ISessionStore _store;
    private readonly DeviceLeasing? _leases;
    private readonly DeviceAuthenticator _auth;
    private readonly SessionOptions _options;
    private readonly AuthenticationOptions _authOptions;
    private readonly SessionPipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly LoadShedder _shedder;
    private readonly EnrollmentGate _enrollment;
    private readonly DeviceSessionTable<CwmpSession> _sessions;
    private readonly CwmpLimits _limits;

    /// <summary>Creates the engine over a store, running the standard steps (<see cref="SessionSteps.Standard"/>).</summary>
    public SessionEngine(ISessionStore store, SessionOptions options, AuthenticationOptions authentication, TimeProvider? time = null, ILogger? logger = null, CwmpLimits? limits = null)
        : this(store, options, authentication, new ReachabilityProbes(time ?? TimeProvider.System), null, time, logger, limits)
    {
    }

    /// <summary>Creates the engine over a store, running <paramref name="steps"/> in their order through every session.</summary>
    /// <param name="store">The store sessions are read from and committed to.</param>
    /// <param name="options">The session bounds.</param>
    /// <param name="authentication">How devices authenticate.</param>
    /// <param name="reachability">The probes the https listener records arrivals in (the moveToHttps step's).</param>
    /// <param name="steps">The session steps, in order; null for <see cref="SessionSteps.Standard"/>.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The engine's log.</param>
    /// <param name="limits">The CWMP parser's bounds.</param>
    public SessionEngine(ISessionStore store, SessionOptions options, AuthenticationOptions authentication, ReachabilityProbes reachability, IEnumerable<ISessionStep>? steps, TimeProvider? time = null, ILogger? logger = null, CwmpLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(authentication);
        options.Validate();
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options;
        _authOptions = authentication;
        _time = time ?? TimeProvider.System;
        _log = logger ?? NullLogger.Instance;

        // Several nodes on one store: a device's lease there keeps it in one session across all of them.
        _leases = store is ISessionLeases leases ? new DeviceLeasing(leases, options.SessionTimeout, _time) : null;
        _auth = new DeviceAuthenticator(authentication, _time);
        _shedder = new LoadShedder(options);
        _enrollment = new EnrollmentGate(authentication.Enrollment, _time, _log);
        _sessions = new DeviceSessionTable<CwmpSession>(_time, options.SessionTimeout);
        _limits = limits ?? new CwmpLimits();
        Reachability = reachability ?? throw new ArgumentNullException(nameof(reachability));
        var pipeline = (steps ?? SessionSteps.Standard(store, options, authentication, reachability, _log)).ToArray();
        if (pipeline.Length == 0 || pipeline.Any(s => s is null))
        {
            throw new ArgumentException("A session engine needs at least one step, and no step may be null.", nameof(steps));
        }

        _pipeline = new SessionPipeline(pipeline, store, Counters, _time);
    }

    /// <summary>The probes of moveToHttps tasks; the https listener records their arrivals here.</summary>
    public ReachabilityProbes Reachability { get; }

    /// <summary>The steps every session runs, in order.</summary>
    public IReadOnlyList<ISessionStep> Steps => _pipeline.Steps;

    /// <summary>Sessions open right now.</summary>
    public int OpenSessions => _sessions.Count;

    /// <summary>The highest CWMP version this ACS speaks.</summary>
    public CwmpVersion MaximumVersion { get; init; } = CwmpVersions.Latest;

    /// <summary>Admission of devices on the bootstrap credential; the host sweeps it with a <see cref="RegistrationSweeper"/>.</summary>
    public EnrollmentGate Enrollment => _enrollment;

    /// <summary>Counters for monitoring.</summary>
    public SessionCounters Counters { get; } = new();

    /// <summary>Raised after a session commit that changed tasks (results, faults), with the changes.</summary>
    public event Action<IReadOnlyList<TaskUpdate>>? TasksCommitted;

    /// <inheritdoc />
    public async ValueTask<CwmpHttpResponse> HandleAsync(CwmpHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != "POST")
        {
            return Text(405, "CWMP uses HTTP POST.", [new("Allow", "POST")]);
        }

        var session = request.SessionCookie is { } token ? _sessions.TryResume(token) : null;
        if (session is null)
        {
            return await StartAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (!await session.Gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return Text(409, "Another request of this session is still being handled; CWMP sessions are sequential.");
        }

        try
        {
            if (session.Ended)
            {
                return await StartAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (request.Connection.RemoteAddress.ToString() != session.RemoteAddress)
            {
                Refuse(request, session.Id.ToString(), 403, "session cookie presented from another address");
                return Text(403, "This session belongs to another client address.");
            }

            return await ContinueAsync(session, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>
    /// Ends sessions whose CPE went silent for longer than the session timeout: what they learned is committed,
    /// RPCs never answered leave their tasks queued, and the device may open a new session.
    /// </summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        _auth.Replays.Sweep();
        var expired = _sessions.SweepExpired();
        foreach (var session in expired)
        {
            await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await EndAsync(session, SessionOutcome.Timeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                session.Gate.Release();
            }
        }

        return expired.Count;
    }

    private async ValueTask<CwmpHttpResponse> StartAsync(CwmpHttpRequest request, CancellationToken cancellationToken)
    {
        // In a storm, refuse before parsing, the store read and the Digest round trip: a 503 to the first request
        // saves the device a second request and the ACS a nonce, a lookup and a hash. Admission is checked again after auth.
        if (_shedder.IsFull)
        {
            return Busy("sessions in flight at the limit");
        }

        if (Draining)
        {
            return Busy("this node is shutting down", "draining");
        }

        if (request.Body.IsEmpty)
        {
            Refuse(request, "-", 400, "empty POST without a session");
            return Text(400, "A CWMP session must start with an Inform; this request has no body and no open session.");
        }

        CwmpEnvelope envelope;
        try
        {
            envelope = CwmpReader.Parse(request.Body, _limits);
        }
        catch (CwmpException e)
        {
            Refuse(request, "-", (e.HttpStatusCode ?? 400), e.Message);
            return Text((e.HttpStatusCode ?? 400), "The request is not a well-formed CWMP message: " + e.Message);
        }

        if (envelope.Body is not InformRequest inform)
        {
            Refuse(request, "-", 400, "session did not start with an Inform");
            return Text(400, "A CWMP session must start with an Inform; nothing was stored.");
        }

        if (!DeviceId.TryCreate(inform.DeviceId.Oui, inform.DeviceId.ProductClass, inform.DeviceId.SerialNumber, out var id, out var idError))
        {
            Refuse(request, "-", 400, idError);
            return Text(400, "The Inform's DeviceId is not usable: " + idError);
        }

        // Where nodes share a store, a device whose last session committed here is first decided on this node's copy,
        // which its lease read checks (RecentDevices); one the copy does not admit is decided again on the store's.
        var known = _leases?.Recent.Find(id);
        var authenticated = known is null ? null : _auth.Authenticate(id, known, request);
        if (authenticated is null || TransportPolicy.Apply(authenticated, known, request.Connection, _authOptions).Verdict != AuthVerdict.Accepted)
        {
            known = await _store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false);
            authenticated = _auth.Authenticate(id, known, request);
        }

        if (authenticated.ClaimConflict)
        {
            _enrollment.ClaimConflict(id, request.Connection.RemoteAddress, authenticated.Reason);
        }

        var decision = TransportPolicy.Apply(authenticated, known, request.Connection, _authOptions);
        switch (decision.Verdict)
        {
            case AuthVerdict.Forbidden:
                Counters.AuthFailures.Increment();
                Refuse(request, id.ToString(), 403, decision.Reason);
                return Text(403, "Forbidden: " + decision.Reason + ".");
            case AuthVerdict.Challenge:
                if (request.Authorization is not null)
                {
                    Counters.AuthFailures.Increment();
                    Refuse(request, id.ToString(), 401, decision.Reason);
                }

                return Challenge(id, decision.Stale);
        }

        if (known is null && await _store.IsBlockedAsync(id, cancellationToken).ConfigureAwait(false))
        {
            Counters.AuthFailures.Increment();
            Refuse(request, id.ToString(), 403, "the device was deleted and blocked by an operator");
            return Text(403, "Forbidden: this device was deleted and blocked by an operator.");
        }

        // Every session on the bootstrap credential passes the gate, also one not enrolled yet on the legacy plaintext port.
        var unenrolled = decision.Method == AuthMethods.Bootstrap;
        if (!_shedder.TryAdmit(unenrolled))
        {
            return Busy(unenrolled ? "sessions of devices not enrolled yet at their share" : "sessions in flight at the limit");
        }

        var registered = false;
        if (unenrolled && _enrollment.Admit(id, known, request.Connection.RemoteAddress, out registered) is { } refusal)
        {
            _shedder.Release(unenrolled);
            return refusal.Status == 503 ? Busy(refusal.Reason) : Text(refusal.Status, "Forbidden: " + refusal.Reason + ".");
        }

        var now = _time.GetUtcNow();
        var version = CwmpVersions.Negotiate(envelope.Version, envelope.Header.SupportedCwmpVersions, MaximumVersion);
        var remote = request.Connection.RemoteAddress.ToString();
        Device Build(Device? stored) =>
            CertificateBinding.Apply(InformFacts.Apply(inform, stored, id, now, CwmpVersions.ToText(version), remote, request.Connection.IsTls, decision.Method!), decision);
        var device = Build(known);
        var session = new CwmpSession(_pipeline, device, inform, decision, known is null, version, remote, request.Connection.IsTls);
        session.Changes.Known = known;
        session.RegistrationSource = registered ? request.Connection.RemoteAddress : null;
        var sessionToken = _sessions.TryOpen(id.ToString(), session, unenrolled ? _options.UnenrolledSessionTimeout : null);
        if (sessionToken is null)
        {
            _shedder.Release(unenrolled);
            if (registered)
            {
                _enrollment.Withdraw(request.Connection.RemoteAddress);
            }

            Counters.ConcurrentRefused.Increment();
            return Busy("a session with this device is already open");
        }

        session.Token = sessionToken;
        if (_leases is not null && await TakeLeaseAsync(session, known, Build, registered, request, cancellationToken).ConfigureAwait(false) is { } busy)
        {
            return busy;
        }

        Counters.SessionsStarted.Increment();
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            InformFacts.AddParameters(inform, now, session.Changes.Parameters);
            ExceedsLimits(session, 0);
            session.Exchanged.Add("Inform");
            if (!request.Connection.IsTls)
            {
                SessionLog.Plaintext(_log, id.ToString());
            }

            await _pipeline.OpenAsync(session, cancellationToken).ConfigureAwait(false);
            var header = new CwmpHeader
            {
                Id = envelope.Header.Id,
                UseCwmpVersion = envelope.Header.SupportedCwmpVersions is not null && version >= CwmpVersion.V1_4 ? CwmpVersions.ToText(version) : null,
            };
            return Soap(new CwmpEnvelope(version, header, new InformResponse(1)), sessionToken);
        }
        catch
        {
            await EndAsync(session, SessionOutcome.Error, cancellationToken, commit: false).ConfigureAwait(false);
            throw;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private async ValueTask<CwmpHttpResponse> ContinueAsync(CwmpSession session, CwmpHttpRequest request, CancellationToken cancellationToken)
    {
        if (_leases is not null && !await _leases.KeepAsync(session, cancellationToken).ConfigureAwait(false))
        {
            // The lease ran out and a session on another node has the device now: this one is over and writes nothing.
            session.HoldsLease = false;
            Counters.LeaseLost.Increment();
            await EndAsync(session, SessionOutcome.Superseded, cancellationToken, commit: false).ConfigureAwait(false);
            return Busy("this session's device was taken over by a session on another node", "lease");
        }

        CwmpEnvelope envelope;
        try
        {
            envelope = request.Body.IsEmpty ? CwmpEnvelope.Empty : CwmpReader.Parse(request.Body, _limits);
        }
        catch (CwmpException e) when (e.HttpStatusCode is null)
        {
            // Well-formed SOAP the ACS does not implement (an unknown method): a CWMP fault, and the session goes on.
            session.Exchanged.Add("Fault");
            return Soap(CwmpEnvelope.For(session.Version, null, new CwmpFault(e.FaultCodeFor(CwmpRole.Acs))), session.Token);
        }
        catch (CwmpException e)
        {
            Refuse(request, session.Id.ToString(), (e.HttpStatusCode ?? 400), e.Message);
            await EndAsync(session, SessionOutcome.Malformed, cancellationToken).ConfigureAwait(false);
            return Text((e.HttpStatusCode ?? 400), "The request is not a well-formed CWMP message: " + e.Message + " The session has ended.");
        }

        switch (envelope.Body)
        {
            case null:
                return await NextAsync(session, cancellationToken).ConfigureAwait(false);

            case InformRequest:
                // A new Inform inside an open session: the CPE started over. Close this one, then start afresh.
                await EndAsync(session, SessionOutcome.Superseded, cancellationToken).ConfigureAwait(false);
                return await StartAsync(request, cancellationToken).ConfigureAwait(false);

            case { IsResponse: true } answer:
                if (session.Outstanding is not { } outstanding || !ResponseApplier.Answers(outstanding.Request, answer))
                {
                    Refuse(request, session.Id.ToString(), 400, $"unexpected {answer.MethodName}");
                    await EndAsync(session, SessionOutcome.ProtocolError, cancellationToken).ConfigureAwait(false);
                    return Text(400, $"{answer.MethodName} does not answer any request of this session. The session has ended.");
                }

                session.Outstanding = null;
                session.Exchanged.Add(answer.MethodName);
                SessionMetrics.FaultAnswered(answer);
                await outstanding.Step.AnswerAsync(session, outstanding, answer, cancellationToken).ConfigureAwait(false);
                return await NextAsync(session, cancellationToken).ConfigureAwait(false);

            case { } cpeRequest:
                session.Exchanged.Add(cpeRequest.MethodName);
                if (++session.CpeRequests > _options.MaxCpeRequestsPerSession)
                {
                    return Soap(CwmpEnvelope.For(session.Version, envelope.Header.Id, new CwmpFault(FaultCode.AcsResourcesExceeded)), session.Token);
                }

                var reply = await AnswerCpeRequestAsync(session, cpeRequest, cancellationToken).ConfigureAwait(false);
                return Soap(CwmpEnvelope.For(session.Version, envelope.Header.Id, reply), session.Token);
        }
    }

    private async ValueTask<CwmpHttpResponse> NextAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        var next = session.Outstanding;
        if (next is null && session.RpcsSent < _options.MaxRpcsPerSession
            && (session.Pending.TryDequeue(out var queued)
                || (await _pipeline.DrainedAsync(session, cancellationToken).ConfigureAwait(false) && session.Pending.TryDequeue(out queued))))
        {
            next = queued;
        }

        if (next is null)
        {
            var outcome = await EndAsync(session, SessionOutcome.Ok, cancellationToken).ConfigureAwait(false);
            return outcome
                ? CwmpHttpResponse.EndOfSession
                : Text(500, "The ACS could not record this session; its tasks stay queued and will be retried. Start a new session later.");
        }

        session.Outstanding = next;
        session.RpcsSent++;
        session.Exchanged.Add(next.Request.MethodName);
        SessionMetrics.RpcSent(next.Request.MethodName);
        return Soap(CwmpEnvelope.For(session.Version, session.NextMessageId(), next.Request), session.Token);
    }

    private async Task<bool> EndAsync(CwmpSession session, SessionOutcome outcome, CancellationToken cancellationToken, bool commit = true)
    {
        if (session.Ended)
        {
            return true;
        }

        session.Ended = true;
        _sessions.Close(session.Token);
        _shedder.Release(session.AuthMethod == AuthMethods.Bootstrap);
        var committed = true;
        if (commit)
        {
            session.ReleaseUnsentTasks();

            // The last guard: nothing past the bounds reaches the store, so a commit never fails on a CPE's sizes.
            ExceedsLimits(session, 0);
            session.Changes.LeaseHolder = session.HoldsLease ? session.Token : null;
            try
            {
                await _store.CommitSessionAsync(session.Changes, cancellationToken).ConfigureAwait(false);
                session.HoldsLease = false;
                _leases?.Recent.Remember(session.Changes.Device);
                if (session.Changes.Tasks.Count > 0)
                {
                    TasksCommitted?.Invoke(session.Changes.Tasks);
                }
            }
            catch (Exception e) when (e is StoreException or OperationCanceledException)
            {
                committed = false;
                outcome = SessionOutcome.CommitFailed;
                SessionLog.CommitFailed(_log, e, session.Id.ToString());
            }
        }

        if (session.HoldsLease)
        {
            session.HoldsLease = false;
            await _leases!.GiveBackAsync(session).ConfigureAwait(false);
        }

        SettleRegistration(session, commit && committed);
        Counters.Record(outcome, Stopwatch.GetElapsedTime(session.StartedAt));

        // The access line's arguments cost a join and an escape per session: build them only when it is written.
        if (_log.IsEnabled(LogLevel.Information))
        {
            SessionLog.Session(_log, session.Id.ToString(), session.RemoteAddress, session.Tls ? "https" : "http", session.AuthMethod,
                CwmpVersions.ToText(session.Version), session.Events, string.Join(',', session.Exchanged), outcome.ToText(),
                (long)Stopwatch.GetElapsedTime(session.StartedAt).TotalMilliseconds);
        }
        return committed;
    }

    // A registration this session made is settled once it ends: given back whole when nothing was stored, given back
    // to its source when the device completed enrollment, kept (a pending registration) otherwise.
    private void SettleRegistration(CwmpSession session, bool stored)
    {
        if (session.RegistrationSource is not { } source)
        {
            return;
        }

        if (!stored)
        {
            _enrollment.Withdraw(source);
        }
        else if (session.Changes.Device.Credentials.Enrolled)
        {
            _enrollment.Complete(source);
        }
    }

    /// <summary>Drops the session's parameter writes from <paramref name="from"/> on that pass the device's bounds; flags the device and says why.</summary>
    private string? ExceedsLimits(CwmpSession session, int from)
    {
        var reason = ParameterBounds.Enforce(session.Changes.Parameters, from, _options.DeviceLimits);
        if (reason is not null)
        {
            _enrollment.Flag(session.Id, IdentityFlags.StorageBound);
            IdentityLog.StorageBound(_log, session.Id.ToString(), reason);
        }

        return reason;
    }

    private CwmpHttpResponse Challenge(DeviceId id, bool stale)
    {
        var headers = _auth.Challenges(id, stale).Select(c => new KeyValuePair<string, string>("WWW-Authenticate", c)).ToList();
        return Text(401, "Authentication required.", headers);
    }

    private CwmpHttpResponse Busy(string reason, string kind = "shed")
    {
        Counters.Shed.Increment();
        SessionMetrics.Shed(kind);
        var retry = _shedder.NextRetryAfter();
        return new CwmpHttpResponse(503, Encoding.UTF8.GetBytes($"The ACS is busy ({reason}); retry after {retry.TotalSeconds:0} s.\n"), [new("Content-Type", "text/plain; charset=utf-8")], RetryAfter: retry);
    }

    private void Refuse(CwmpHttpRequest request, string device, int status, string reason) =>
        SessionLog.Refused(_log, request.Connection.RemoteAddress.ToString(), device, status, reason);

    private static CwmpHttpResponse Soap(CwmpEnvelope envelope, string token) =>
        new(200, CwmpWriter.ToBytes(envelope), [SoapContentType], SetSessionCookie: token);

    private static CwmpHttpResponse Text(int status, string message, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        var all = new List<KeyValuePair<string, string>> { new("Content-Type", "text/plain; charset=utf-8") };
        if (headers is not null)
        {
            all.AddRange(headers);
        }

        return new CwmpHttpResponse(status, Encoding.UTF8.GetBytes(message + "\n"), all);
    }
}
