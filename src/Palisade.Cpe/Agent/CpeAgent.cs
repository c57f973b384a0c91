using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Cpe.Model;
using Palisade.Cpe.Transport;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Cpe.Agent;

/// <summary>
/// A TR-069 CPE agent: it holds sessions with its ACS when something calls for one (boot, the periodic timer, a
/// connection request, an active notification, a scheduled inform, a finished transfer), answers every ACS RPC
/// from its <see cref="CpeDataModel"/>, retries failed sessions with the spec's back-off, and guards what an
/// attacker would want to change: its ACS URL, its firmware, its credentials.
/// </summary>
public sealed partial class CpeAgent : IAsyncDisposable
{
    private static readonly string[] SupportedVersions = ["1.0", "1.1", "1.2", "1.3", "1.4"];

    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly List<EventStruct> _events = [];
    private readonly Queue<CwmpMessage> _cpeRequests = new();
    private readonly List<Func<CancellationToken, Task>> _afterSession = [];
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly SemaphoreSlim _sessionGate = new(1, 1);

    /// <summary>Held while a session runs (tests hold it to make several events arrive before one Inform).</summary>
    internal SemaphoreSlim SessionGate => _sessionGate;

    // What the device holds from the factory and from its own running (where its listeners are), by path: set at
    // construction and again after a FactoryReset, which otherwise takes the model back to the schema's bare defaults
    // (PeriodicInformInterval 1, no ConnectionRequestURL) and the device would inform every second, unreachable.
    private readonly Dictionary<string, string> _factory = new(StringComparer.Ordinal);
    private readonly TlsSessionCache _tlsSessions;
    private AcsClient _client;
    private int _reconnect;
    private int _retryCount;
    private long _nextPeriodic;

    public CpeAgent(CpeDataModel model, AgentOptions options, TimeProvider? time = null, ILogger? logger = null, AgentState? state = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? TimeProvider.System;
        _log = logger ?? NullLogger.Instance;
        State = state ?? new AgentState();
        if (State.AcsUrl is null)
        {
            State.AcsUrl = options.AcsUrl.ToString();
            State.Username = options.Username;
            State.Password = options.Password;
        }

        if (!State.Bootstrapped)
        {
            AddEvent(EventCodes.Bootstrap);
        }

        AddEvent(EventCodes.Boot);
        _factory[Model.Root + "ManagementServer.URL"] = options.AcsUrl.ToString();
        if (options.Username is not null)
        {
            _factory[Model.Root + "ManagementServer.Username"] = options.Username;
        }

        if (options.ConnectionRequestUsername is not null && options.ConnectionRequestPassword is not null)
        {
            _factory[Model.Root + "ManagementServer.ConnectionRequestUsername"] = options.ConnectionRequestUsername;
            _factory[Model.Root + "ManagementServer.ConnectionRequestPassword"] = options.ConnectionRequestPassword;
        }

        if (options.PeriodicInterval is { } interval)
        {
            _factory[Model.Root + "ManagementServer.PeriodicInformInterval"] = ((long)interval.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _factory[Model.Root + "ManagementServer.PeriodicInformEnable"] = "true";
        ApplyFactorySettings();
        SetStunModelDefaults();

        // A device restarted with state of its own: the ACS and credentials it was last given.
        Model.SetInternal(Model.Root + "ManagementServer.URL", State.AcsUrl);
        if (State.Username is not null)
        {
            Model.SetInternal(Model.Root + "ManagementServer.Username", State.Username);
        }

        Model.Notified += OnNotified;
        _tlsSessions = new TlsSessionCache(_time, options.TlsSessionLifetime);
        _client = NewClient();

        // A device restarted with STUN settings the ACS gave it before.
        ApplyStunSettings();
    }

    /// <summary>The device's parameters.</summary>
    public CpeDataModel Model { get; }

    /// <summary>What the agent keeps across restarts (credentials, ACS URL, pending events).</summary>
    public AgentState State { get; }

    /// <summary>The events the next Inform will carry.</summary>
    public IReadOnlyList<EventStruct> PendingEvents
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Raised after every session attempt.</summary>
    public event Action<CpeAgent, SessionOutcome, TimeSpan>? SessionEnded;

    /// <summary>The connection-request user name and password the ACS must use (null when none is set).</summary>
    public (string Username, string Password)? ConnectionRequestCredentials =>
        Model.GetStored(Model.Root + "ManagementServer.ConnectionRequestUsername") is { Length: > 0 } user
        && Model.GetStored(Model.Root + "ManagementServer.ConnectionRequestPassword") is { Length: > 0 } password
            ? (user, password)
            : null;

    /// <summary>Asks for a session now because the ACS knocked (a valid connection request).</summary>
    public void ConnectionRequested()
    {
        AddEvent(EventCodes.ConnectionRequest);
        Wake();
    }

    /// <summary>Simulates a power cycle: uptime restarts, the next session opens a new connection with a full TLS handshake, and its Inform carries "1 BOOT".</summary>
    public void PowerCycle()
    {
        Rebooted();
        AddEvent(EventCodes.Boot);
    }

    /// <summary>Sets where the device's connection-request listener can be reached (kept across a factory reset).</summary>
    public void SetConnectionRequestUrl(string url) => SetFactorySetting(Model.Root + "ManagementServer.ConnectionRequestURL", url);

    /// <summary>Sets where the device listens for UDP connection requests (TR-069 Annex G; kept across a factory reset).</summary>
    public void SetUdpConnectionRequestAddress(string address) => SetFactorySetting(Model.Root + "ManagementServer.UDPConnectionRequestAddress", address);

    /// <summary>Holds one session now with the events pending (at least "2 PERIODIC" when none).</summary>
    public async Task<SessionOutcome> RunSessionAsync(CancellationToken cancellationToken)
    {
        await _sessionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        SessionOutcome outcome;
        try
        {
            outcome = await SessionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or CwmpException or AuthenticationException)
        {
            outcome = Classify(e);
        }
        finally
        {
            _sessionGate.Release();
        }

        if (outcome.Success)
        {
            _retryCount = 0;
            await RunAfterSessionAsync(cancellationToken).ConfigureAwait(false);
            ApplyStunSettings();
        }
        else
        {
            _retryCount = Math.Min(_retryCount + 1, 10);
            lock (_gate)
            {
                // A connection request is not retried (TR-069 Table 8); everything else is.
                _events.RemoveAll(e => e.EventCode == EventCodes.ConnectionRequest);
            }
        }

        SessionEnded?.Invoke(this, outcome, _time.GetElapsedTime(started));
        return outcome;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Model.Notified -= OnNotified;
        _client.Dispose();
        _wake.Dispose();
        _sessionGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool HasPendingEvents
    {
        get
        {
            lock (_gate)
            {
                return _events.Count > 0;
            }
        }
    }

    private async Task<SessionOutcome> SessionAsync(CancellationToken cancellationToken)
    {
        if (_options.InsecureSkipVerify)
        {
            AgentLog.InsecureSkipVerify(_log, Model.Identity.SerialNumber);
        }

        List<EventStruct> events;
        lock (_gate)
        {
            if (_events.Count == 0)
            {
                _events.Add(new EventStruct(EventCodes.Periodic));
            }

            events = [.. _events];
        }

        if (_options.Connection == ConnectionMode.PerSession || Interlocked.Exchange(ref _reconnect, 0) == 1)
        {
            ReplaceClient();
        }

        _client.EndSession();
        var inform = BuildInform(events);
        var header = new CwmpHeader { Id = "inform-" + Random.Shared.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), SupportedCwmpVersions = [.. SupportedVersions] };
        var reply = await _client.SendAsync(new CwmpEnvelope(CwmpVersion.V1_4, header, inform), cancellationToken).ConfigureAwait(false);
        _tlsSessions.Established(_client.AcsUrl);
        if (Failure(reply) is { } failed)
        {
            return failed;
        }

        if (reply.Envelope?.Body is not InformResponse)
        {
            return SessionOutcome.Fail("protocol", $"the ACS answered the Inform with {reply.Envelope?.Body?.MethodName ?? "nothing"}");
        }

        var version = reply.Envelope.Version;
        if (reply.Envelope.Header.UseCwmpVersion is { } use && CwmpVersions.TryParse(use, out var used))
        {
            version = used.Value;
        }

        // The Inform was delivered: its events are done (new ones may have arrived meanwhile).
        lock (_gate)
        {
            foreach (var e in events)
            {
                _events.Remove(e);
            }
        }

        State.Bootstrapped = true;
        var hold = reply.Envelope.Header.HoldRequests == true;
        var handled = 0;

        // The CPE's own requests first (TransferComplete), unless the ACS holds them.
        while (!hold && TryPeekCpeRequest(out var request))
        {
            reply = await _client.SendAsync(CwmpEnvelope.For(version, "cpe-" + handled, request), cancellationToken).ConfigureAwait(false);
            if (Failure(reply) is { } f)
            {
                return f;
            }

            if (reply.Envelope?.Body is { IsResponse: true })
            {
                DequeueCpeRequest();
                continue;
            }

            break;
        }

        // The empty POST, then the ACS's requests one at a time until its 204.
        if (reply.Envelope?.Body is null or { IsResponse: true })
        {
            reply = await _client.SendAsync(null, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            if (Failure(reply) is { } f)
            {
                return f;
            }

            if (reply.EndsSession)
            {
                break;
            }

            var acsRequest = reply.Envelope!.Body!;
            if (acsRequest.IsResponse)
            {
                return SessionOutcome.Fail("protocol", $"unexpected {acsRequest.MethodName} from the ACS");
            }

            handled++;
            var answer = Handle(acsRequest);
            reply = await _client.SendAsync(CwmpEnvelope.For(version, reply.Envelope.Header.Id, answer), cancellationToken).ConfigureAwait(false);
        }

        ApplyCredentialChanges();
        return SessionOutcome.Ok(handled);
    }

    private static SessionOutcome? Failure(AcsReply reply) => reply.StatusCode switch
    {
        200 or 204 => null,
        503 => SessionOutcome.Fail("busy", "the ACS is shedding load", reply.RetryAfter),
        401 => SessionOutcome.Fail("auth", "the ACS refused the credentials"),
        403 => SessionOutcome.Fail("forbidden", reply.Text?.Trim() ?? "forbidden"),
        _ => SessionOutcome.Fail("http-" + reply.StatusCode, reply.Text?.Trim() ?? string.Empty),
    };

    private SessionOutcome Classify(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                AgentLog.TlsRefused(_log, Model.Identity.SerialNumber, _client.AcsUrl.Host, inner.Message);
                return SessionOutcome.Fail("tls", "the ACS certificate or TLS version was refused: " + inner.Message);
            }

            if (inner is System.Net.Sockets.SocketException socket)
            {
                return SessionOutcome.Fail("connect", socket.Message);
            }

            if (inner is CwmpException cwmp)
            {
                return SessionOutcome.Fail("protocol", "unreadable ACS message: " + cwmp.Message);
            }
        }

        return e is TaskCanceledException ? SessionOutcome.Fail("timeout", "the ACS did not answer in time") : SessionOutcome.Fail("http", e.Message);
    }

    private InformRequest BuildInform(List<EventStruct> events)
    {
        var root = Model.Root;
        var names = new List<string>
        {
            root + "DeviceInfo.HardwareVersion",
            root + "DeviceInfo.SoftwareVersion",
            root + "DeviceInfo.ProvisioningCode",
            root + "ManagementServer.ConnectionRequestURL",
            root + "ManagementServer.ParameterKey",
            root + "ManagementServer.PeriodicInformInterval",
        };
        if (root == "Device.")
        {
            names.Insert(0, "Device.RootDataModelVersion");
        }
        else
        {
            names.Insert(0, "InternetGatewayDevice.DeviceSummary");
        }

        // TR-069 Annex G: a CPE listening for UDP connection requests reports where (the parameter carries forced
        // active notification), so the ACS can reach it behind NAT.
        if (!string.IsNullOrEmpty(Model.Get(root + "ManagementServer.UDPConnectionRequestAddress")))
        {
            names.Add(root + "ManagementServer.UDPConnectionRequestAddress");
            if (!string.IsNullOrEmpty(Model.Get(root + "ManagementServer.NATDetected")))
            {
                names.Add(root + "ManagementServer.NATDetected");
            }
        }

        // TR-069 Annex K: the Jabber ID the ACS sends XMPP connection requests to (forced active notification too).
        if (!string.IsNullOrEmpty(Model.Get(root + "ManagementServer.ConnReqJabberID")))
        {
            names.Add(root + "ManagementServer.ConnReqJabberID");
        }

        names.AddRange(Model.NotifiedParameters());
        var parameters = new List<ParameterValueStruct>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (Model.GetTyped(name) is { } value)
            {
                parameters.Add(new ParameterValueStruct(name, value));
            }
        }

        var id = Model.Identity;
        return new InformRequest(new DeviceIdStruct(id.Manufacturer, id.Oui, id.ProductClass, id.SerialNumber), [.. events], 1, _time.GetUtcNow(), (uint)_retryCount, [.. parameters]);
    }

    private void ApplyCredentialChanges()
    {
        var root = Model.Root;
        var user = Model.GetStored(root + "ManagementServer.Username");
        var password = Model.GetStored(root + "ManagementServer.Password");
        if (!_options.KeepFactoryCredentials && user is not null && password is not null && (user != State.Username || password != State.Password))
        {
            State.Username = user;
            State.Password = password;
            _client.SetCredentials(user, password);
        }

        var url = Model.GetStored(root + "ManagementServer.URL");
        if (url is not null && url != State.AcsUrl)
        {
            // A new ACS: BOOTSTRAP there (TR-069 §3.2.1), over a new connection.
            State.AcsUrl = url;
            ReplaceClient();
            AddEvent(EventCodes.Bootstrap);
            Wake();
        }
    }

    // A new client (and connection) for the current State: URL and credentials.
    private void ReplaceClient()
    {
        var old = _client;
        _client = NewClient();
        _client.ContinueAuthentication(old);
        old.Dispose();
    }

    private AcsClient NewClient()
    {
        var options = new AcsClientOptions
        {
            AcsUrl = new Uri(State.AcsUrl!),
            Username = State.Username,
            Password = State.Password,
            ClientCertificate = _options.ClientCertificate,
            AllowPlaintext = _options.AllowPlaintext,
            InsecureSkipVerify = _options.InsecureSkipVerify,
            Timeout = _options.RequestTimeout,
            AllowTlsResume = _options.AllowTlsResume && _tlsSessions.CanResume(new Uri(State.AcsUrl!)),
            ConnectTo = _options.ConnectTo,
            PreferBasic = _options.PreferBasic,
        };
        options.TrustedCas.AddRange(_options.TrustedCas);
        return new AcsClient(options);
    }

    private void AddEvent(string code, string commandKey = "")
    {
        lock (_gate)
        {
            var e = new EventStruct(code, commandKey);
            if (!_events.Contains(e))
            {
                _events.Add(e);
            }
        }
    }

    private void Wake() => _wake.Release();

    // A reboot: uptime restarts, and what the device held in memory (its connection, its TLS session) is gone.
    private void Rebooted()
    {
        Model.Rebooted();
        _tlsSessions.Clear();
        Interlocked.Exchange(ref _reconnect, 1);
    }

    private void SetFactorySetting(string path, string value)
    {
        lock (_gate)
        {
            _factory[path] = value;
        }

        Model.SetInternal(path, value);
    }

    private void ApplyFactorySettings()
    {
        KeyValuePair<string, string>[] settings;
        lock (_gate)
        {
            settings = [.. _factory];
        }

        foreach (var (path, value) in settings)
        {
            Model.SetInternal(path, value);
        }
    }

    private void OnNotified(string path, bool active)
    {
        AddEvent(EventCodes.ValueChange);
        if (active)
        {
            Wake();
        }
    }

    private bool TryPeekCpeRequest(out CwmpMessage request)
    {
        lock (_gate)
        {
            return _cpeRequests.TryPeek(out request!);
        }
    }

    private void DequeueCpeRequest()
    {
        lock (_gate)
        {
            _cpeRequests.Dequeue();
        }
    }

    private void QueueCpeRequest(CwmpMessage request)
    {
        lock (_gate)
        {
            _cpeRequests.Enqueue(request);
        }
    }

    private void AfterSession(Func<CancellationToken, Task> action)
    {
        lock (_gate)
        {
            _afterSession.Add(action);
        }
    }

    private async Task RunAfterSessionAsync(CancellationToken cancellationToken)
    {
        List<Func<CancellationToken, Task>> actions;
        lock (_gate)
        {
            actions = [.. _afterSession];
            _afterSession.Clear();
        }

        foreach (var action in actions)
        {
            await action(cancellationToken).ConfigureAwait(false);
        }
    }
}
