using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// The campaigns' instruments on the meter <c>Palisade.Campaigns</c> (exported at <c>/metrics</c> with every
/// <c>Palisade.*</c> meter): devices of each campaign that has not ended by state, failed devices by reason (both as
/// the scheduler last read them), downloads started and halts. One per scheduler (per node), with a meter of its own,
/// so that two servers in one process (tests) never mix their figures.
/// </summary>
public sealed class CampaignMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Palisade.Campaigns";

    private readonly ConcurrentDictionary<(long Campaign, string State), int> _deviceCounts = new();

    private readonly ConcurrentDictionary<(long Campaign, string Reason), int> _failureCounts = new();

    private readonly Counter<long> _started;

    private readonly Counter<long> _halts;

    /// <summary>Creates the instruments on a meter of their own.</summary>
    public CampaignMetrics()
    {
        _started = Meter.CreateCounter<long>("palisade.campaign.downloads.started", "{download}", "Campaign devices started (their download task queued).");
        _halts = Meter.CreateCounter<long>("palisade.campaign.halts", "{halt}", "Campaigns halted by a halt rule.");
        Meter.CreateObservableGauge("palisade.campaign.devices", () => _deviceCounts.Select(e => new Measurement<int>(e.Value, Tag("campaign", e.Key.Campaign), Tag("state", e.Key.State))), "{device}",
            "Devices of each campaign that has not ended, by state (pending, in-progress, succeeded, failed).");
        Meter.CreateObservableGauge("palisade.campaign.failures", () => _failureCounts.Select(e => new Measurement<int>(e.Value, Tag("campaign", e.Key.Campaign), Tag("reason", e.Key.Reason))), "{device}",
            "Failed devices of each campaign that has not ended, by reason (download-fault-CODE, bad-signature, wrong-version, no-return, timeout, gone).");
    }

    /// <summary>This node's meter (a listener can tell it from another server's in the same process).</summary>
    public Meter Meter { get; } = new(MeterName);

    /// <inheritdoc />
    public void Dispose() => Meter.Dispose();

    internal void DevicesStarted(long campaign, int count) => _started.Add(count, Tag("campaign", campaign));

    internal void Halted(long campaign) => _halts.Add(1, Tag("campaign", campaign));

    internal void Observe(long campaign, CampaignProgress progress)
    {
        _deviceCounts[(campaign, "pending")] = progress.Pending;
        _deviceCounts[(campaign, "in-progress")] = progress.InProgress;
        _deviceCounts[(campaign, "succeeded")] = progress.Succeeded;
        _deviceCounts[(campaign, "failed")] = progress.Failed;
        foreach (var key in _failureCounts.Keys.Where(k => k.Campaign == campaign && !progress.FailedByReason.ContainsKey(k.Reason)))
        {
            _failureCounts.TryRemove(key, out _);
        }

        foreach (var (reason, count) in progress.FailedByReason)
        {
            _failureCounts[(campaign, reason)] = count;
        }
    }

    internal void Forget(long campaign)
    {
        foreach (var key in _deviceCounts.Keys.Where(k => k.Campaign == campaign))
        {
            _deviceCounts.TryRemove(key, out _);
        }

        foreach (var key in _failureCounts.Keys.Where(k => k.Campaign == campaign))
        {
            _failureCounts.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets every campaign not in <paramref name="holding"/> (those that ended: completed or aborted).</summary>
    internal void KeepOnly(IReadOnlySet<long> holding)
    {
        foreach (var campaign in _deviceCounts.Keys.Select(k => k.Campaign).Concat(_failureCounts.Keys.Select(k => k.Campaign)).Distinct().Where(c => !holding.Contains(c)).ToList())
        {
            Forget(campaign);
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, object value) => new(name, value is long l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : value);
}
