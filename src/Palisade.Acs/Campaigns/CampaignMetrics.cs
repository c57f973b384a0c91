using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// The campaigns' instruments on the meter <c>Palisade.Campaigns</c> (exported at <c>/metrics</c> with every
/// <c>Palisade.*</c> meter): devices of each campaign that has not ended by state, failed devices by reason (both as
/// the scheduler last read them), downloads started and halts.
/// </summary>
public static class CampaignMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Palisade.Campaigns";

    private static readonly Meter Meter = new(MeterName);

    private static readonly ConcurrentDictionary<(long Campaign, string State), int> DeviceCounts = new();

    private static readonly ConcurrentDictionary<(long Campaign, string Reason), int> FailureCounts = new();

    private static readonly Counter<long> Started = Meter.CreateCounter<long>("palisade.campaign.downloads.started", "{download}", "Campaign devices started (their download task queued).");

    private static readonly Counter<long> Halts = Meter.CreateCounter<long>("palisade.campaign.halts", "{halt}", "Campaigns halted by a halt rule.");

    static CampaignMetrics()
    {
        Meter.CreateObservableGauge("palisade.campaign.devices", () => DeviceCounts.Select(e => new Measurement<int>(e.Value, Tag("campaign", e.Key.Campaign), Tag("state", e.Key.State))), "{device}",
            "Devices of each campaign that has not ended, by state (pending, in-progress, succeeded, failed).");
        Meter.CreateObservableGauge("palisade.campaign.failures", () => FailureCounts.Select(e => new Measurement<int>(e.Value, Tag("campaign", e.Key.Campaign), Tag("reason", e.Key.Reason))), "{device}",
            "Failed devices of each campaign that has not ended, by reason (download-fault-CODE, bad-signature, wrong-version, no-return, timeout, gone).");
    }

    internal static void DevicesStarted(long campaign, int count) => Started.Add(count, Tag("campaign", campaign));

    internal static void Halted(long campaign) => Halts.Add(1, Tag("campaign", campaign));

    internal static void Observe(long campaign, CampaignProgress progress)
    {
        DeviceCounts[(campaign, "pending")] = progress.Pending;
        DeviceCounts[(campaign, "in-progress")] = progress.InProgress;
        DeviceCounts[(campaign, "succeeded")] = progress.Succeeded;
        DeviceCounts[(campaign, "failed")] = progress.Failed;
        foreach (var key in FailureCounts.Keys.Where(k => k.Campaign == campaign && !progress.FailedByReason.ContainsKey(k.Reason)))
        {
            FailureCounts.TryRemove(key, out _);
        }

        foreach (var (reason, count) in progress.FailedByReason)
        {
            FailureCounts[(campaign, reason)] = count;
        }
    }

    internal static void Forget(long campaign)
    {
        foreach (var key in DeviceCounts.Keys.Where(k => k.Campaign == campaign))
        {
            DeviceCounts.TryRemove(key, out _);
        }

        foreach (var key in FailureCounts.Keys.Where(k => k.Campaign == campaign))
        {
            FailureCounts.TryRemove(key, out _);
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, object value) => new(name, value is long l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : value);
}
