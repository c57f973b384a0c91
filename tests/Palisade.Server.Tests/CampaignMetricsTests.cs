using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// The meter <c>Palisade.Campaigns</c> as an operator's dashboard reads it (issue 21): devices of a campaign by state,
/// failures by reason, downloads started and halts. The listener takes only this server's meter and this campaign's
/// measurements, so other tests' servers and campaigns in the same process cannot disturb it.
/// </summary>
public sealed class CampaignMetricsTests
{
    [Fact]
    public async Task The_meter_counts_this_campaigns_devices_by_state_failures_by_reason_downloads_and_its_halt_and_forgets_it_once_ended()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time: time);
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");
        await CampaignTests.AddFirmwareAsync(server);

        // Three devices that never come back (no simulator): two start, both time out, and two failures are more than one.
        for (var n = 1; n <= 3; n++)
        {
            await CampaignTests.AddSilentDeviceAsync(server, time, $"MTR{n:D6}");
        }

        var scheduler = server.Host.CampaignScheduler!;
        var counters = new ConcurrentDictionary<string, long>();
        var gauges = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, scheduler.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            counters.AddOrUpdate(Tag(tags, "campaign") + "/" + instrument.Name, value, (_, sum) => sum + value);
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            gauges[Tag(tags, "campaign") + "/" + instrument.Name + "{" + (Tag(tags, "state") ?? Tag(tags, "reason")) + "}"] = value;
        });
        listener.Start();

        var id = await CampaignTests.CreateAsync(api, admin, "{\"name\":\"fw\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}],\"maxConcurrency\":2,\"returnWithinMinutes\":30,\"halt\":{\"maxFailures\":1}}");
        var campaign = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await scheduler.TickAsync(CancellationToken.None);
        await scheduler.TickAsync(CancellationToken.None);
        Assert.Equal(2, counters.GetValueOrDefault(campaign + "/palisade.campaign.downloads.started"));
        Assert.Equal((1, 2), Read(listener, gauges, campaign, "pending", "in-progress"));

        // Past the return bound: both fail as timeouts, and the halt rule trips once however many ticks see it.
        time.Advance(TimeSpan.FromMinutes(31));
        await scheduler.TickAsync(CancellationToken.None);
        await scheduler.TickAsync(CancellationToken.None);
        Assert.Equal("halted", (await CampaignTests.GetAsync(api, admin, id))["state"]!.GetValue<string>());
        Assert.Equal(1, counters.GetValueOrDefault(campaign + "/palisade.campaign.halts"));
        Assert.Equal(2, counters.GetValueOrDefault(campaign + "/palisade.campaign.downloads.started"));
        Assert.Equal((2, 2), Read(listener, gauges, campaign, "failed", "timeout"));

        // Aborted, it has ended: its gauges are gone.
        Assert.Equal("aborted", (await api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{id}/abort", admin)).Body["state"]!.GetValue<string>());
        await scheduler.TickAsync(CancellationToken.None);
        gauges.Clear();
        listener.RecordObservableInstruments();
        Assert.DoesNotContain(gauges.Keys, k => k.StartsWith(campaign + "/", StringComparison.Ordinal));
    }

    private static (int, int) Read(MeterListener listener, ConcurrentDictionary<string, int> gauges, string campaign, string first, string second)
    {
        gauges.Clear();
        listener.RecordObservableInstruments();
        return (Gauge(gauges, campaign, first), Gauge(gauges, campaign, second));
    }

    /// <summary>The campaign's devices in a state, or its failures for a reason; -1 when not measured.</summary>
    private static int Gauge(ConcurrentDictionary<string, int> gauges, string campaign, string label) =>
        gauges.TryGetValue(campaign + "/palisade.campaign.devices{" + label + "}", out var devices) ? devices
        : gauges.TryGetValue(campaign + "/palisade.campaign.failures{" + label + "}", out var failures) ? failures : -1;

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
