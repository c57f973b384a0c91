using System.Diagnostics.Metrics;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Query;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;

namespace Palisade.Server.Operations;

/// <summary>
/// The node's instruments on the meter <c>Palisade.Node</c>, read when scraped: open sessions, draining, tasks finished,
/// connection requests by result, and the fleet as the store sees it (devices, devices seen in the last 5 minutes and
/// 24 hours; refreshed every <see cref="RefreshEvery"/> by the host, not per scrape).
/// </summary>
internal sealed class NodeMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Palisade.Node";

    /// <summary>How often the store-side figures are read again.</summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(30);

    private readonly Meter _meter = new(MeterName);
    private readonly IDeviceRegistry _devices;
    private readonly TimeProvider _time;
    private long _total = -1;
    private long _seen5m = -1;
    private long _seen24h = -1;

    public NodeMetrics(SessionEngine engine, ConnectionRequester requester, NodeHealth health, IDeviceRegistry devices, TimeProvider time)
    {
        _devices = devices;
        _time = time;
        var counters = engine.Counters;
        _meter.CreateObservableGauge("palisade.sessions.open", () => engine.OpenSessions, "{session}", "CWMP sessions open on this node.");
        _meter.CreateObservableGauge("palisade.node.draining", () => health.Draining ? 1 : 0, null, "1 while this node drains (SIGTERM): it takes no new sessions.");
        _meter.CreateObservableCounter("palisade.sessions.started", () => counters.SessionsStarted.Value, "{session}", "CWMP sessions started on this node.");
        _meter.CreateObservableCounter("palisade.sessions.lease_lost", () => counters.LeaseLost.Value, "{session}", "Sessions ended because a session on another node took their device after their lease ran out.");
        _meter.CreateObservableCounter("palisade.auth.failures", () => counters.AuthFailures.Value, "{request}", "CWMP requests refused for their credentials.");
        _meter.CreateObservableCounter("palisade.tasks.finished", () => new[]
        {
            new Measurement<long>(counters.TasksDone.Value, new KeyValuePair<string, object?>("status", "done")),
            new Measurement<long>(counters.TasksFaulted.Value, new KeyValuePair<string, object?>("status", "faulted")),
        }, "{task}", "Tasks finished in sessions on this node, by status.");
        _meter.CreateObservableCounter("palisade.connection_requests", () => new[]
        {
            Result(requester.Reached, "reached"),
            Result(requester.Refused, "refused"),
            Result(requester.Timeouts, "timeout"),
            Result(requester.Unreachable, "unreachable"),
            Result(requester.UdpSent, "udp-sent"),
            Result(requester.XmppSent, "xmpp-sent"),
            Result(requester.RefusedAddresses, "address-refused"),
            Result(requester.RateLimited, "rate-limited"),
        }, "{request}", "Connection requests this node sent, by result.");
        _meter.CreateObservableGauge("palisade.devices", () => Known(_total), "{device}", "Devices in the store.");
        _meter.CreateObservableGauge("palisade.devices.seen", () => new[]
        {
            new Measurement<long>(Volatile.Read(ref _seen5m), new KeyValuePair<string, object?>("window", "5m")),
            new Measurement<long>(Volatile.Read(ref _seen24h), new KeyValuePair<string, object?>("window", "24h")),
        }.Where(m => m.Value >= 0), "{device}", "Devices whose last Inform is within the window.");
    }

    /// <summary>Reads the store-side figures again (a count each).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        Volatile.Write(ref _total, await _devices.CountDevicesAsync(cancellationToken).ConfigureAwait(false));
        Volatile.Write(ref _seen5m, await SeenAsync("now-5m", now, cancellationToken).ConfigureAwait(false));
        Volatile.Write(ref _seen24h, await SeenAsync("now-24h", now, cancellationToken).ConfigureAwait(false));
    }

    public void Dispose() => _meter.Dispose();

    private async Task<long> SeenAsync(string since, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var page = await _devices.SearchDevicesAsync(new DeviceSearch(FilterParser.Parse("lastInform > " + since, now), Limit: 1, IncludeTotal: true), cancellationToken).ConfigureAwait(false);
        return page.Total ?? 0;
    }

    private static IEnumerable<Measurement<long>> Known(long value) => value >= 0 ? [new Measurement<long>(value)] : [];

    private static Measurement<long> Result(long value, string result) => new(value, new KeyValuePair<string, object?>("result", result));
}
