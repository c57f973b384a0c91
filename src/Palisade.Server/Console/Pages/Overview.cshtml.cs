using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Posture;

namespace Palisade.Server.Console.Pages;

/// <summary><c>/overview</c>: device counts, sessions per second, faults by code, firmware by model, posture.</summary>
public sealed class OverviewPage : ConsolePage
{
    /// <summary>The most devices read for the firmware chart.</summary>
    public const int FirmwareScan = 100_000;

    public long Total { get; private set; }

    public long Seen5Minutes { get; private set; }

    public long Seen24Hours { get; private set; }

    public IReadOnlyList<(DateTimeOffset At, double PerSecond)> Rate { get; private set; } = [];

    public long CurrentMinute { get; private set; }

    public IReadOnlyList<(string Code, int Count)> FaultCodes { get; private set; } = [];

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Firmware { get; private set; } = new Dictionary<string, IReadOnlyDictionary<string, long>>();

    public bool FirmwareTruncated { get; private set; }

    public IReadOnlyList<PostureItem> Posture { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Title = "Overview";
        await CountsAsync().ConfigureAwait(false);
        var ct = HttpContext.RequestAborted;
        (Firmware, FirmwareTruncated) = await Services.Devices.FirmwareByModelAsync(Caller, FirmwareScan, ct).ConfigureAwait(false);
        if (Can(Permission.ReadFaults))
        {
            var faults = await Services.Faults.ListAsync(Caller, null, null, 1000, ct).ConfigureAwait(false);
            var channels = await Services.Faults.ListChannelFaultsAsync(Caller, null, null, 1000, ct).ConfigureAwait(false);
            FaultCodes = [.. faults.Select(f => f.Fault is { } x ? x.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + x.Message : "?")
                .Concat(channels.Select(c => c.Code))
                .GroupBy(c => c, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Count()))
                .OrderByDescending(g => g.Item2)
                .Take(20)];
        }

        if (Caller.DeviceScope is null)
        {
            Posture = await Services.Posture.ComputeAsync(Caller, null, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The counters alone, for the live region.</summary>
    public async Task<IActionResult> OnGetCountsAsync()
    {
        await CountsAsync().ConfigureAwait(false);
        return Partial("_OverviewCounts", this);
    }

    private async Task CountsAsync()
    {
        var ct = HttpContext.RequestAborted;
        Total = (await Services.Devices.ListAsync(Caller, new DeviceQuery(null, Limit: 1), ct).ConfigureAwait(false)).Total ?? 0;
        Seen5Minutes = (await Services.Devices.ListAsync(Caller, new DeviceQuery("lastInform > now-5m", Limit: 1), ct).ConfigureAwait(false)).Total ?? 0;
        Seen24Hours = (await Services.Devices.ListAsync(Caller, new DeviceQuery("lastInform > now-24h", Limit: 1), ct).ConfigureAwait(false)).Total ?? 0;
        var rate = (SessionRate)HttpContext.RequestServices.GetService(typeof(SessionRate))!;
        Rate = rate.History;
        CurrentMinute = rate.CurrentMinute;
    }

    /// <summary>A device search link for a filter.</summary>
    public static string Search(string filter) => "/devices?filter=" + Uri.EscapeDataString(filter);
}
