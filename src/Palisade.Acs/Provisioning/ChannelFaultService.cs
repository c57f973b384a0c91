using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// The rules of channel faults: exponential back-off from <see cref="ChannelFaultOptions.RetryDelay"/> up to
/// <see cref="ChannelFaultOptions.MaxRetryDelay"/>, expiry after <see cref="ChannelFaultOptions.Expiry"/>, bounded text.
/// A device has one session at a time, so reading the previous fault and writing the next one cannot race.
/// </summary>
public sealed class ChannelFaultService(IProvisioningStore store, ChannelFaultOptions options, TimeProvider time) : IChannelFaults
{
    /// <summary>The most faults of one device read at once (one per channel; channels are few).</summary>
    public const int MaxChannelsPerDevice = 256;

    /// <summary>The most expired faults one sweep deletes; the next sweep goes on.</summary>
    public const int MaxPerSweep = 5000;

    private DateTimeOffset? _lastSweep;

    /// <summary>
    /// Deletes expired faults (at most <see cref="MaxPerSweep"/>), if <see cref="ChannelFaultOptions.SweepInterval"/>
    /// has passed since the last sweep; the host calls it often. Returns how many it deleted. An expired fault already
    /// blocks nothing; the sweep keeps the store from holding it for ever.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_lastSweep is { } last && now - last < options.SweepInterval)
        {
            return 0;
        }

        _lastSweep = now;
        return await store.DeleteExpiredChannelFaultsAsync(now, MaxPerSweep, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, ChannelFault>> GetAsync(DeviceId device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        var now = time.GetUtcNow();
        var faults = await store.ListChannelFaultsAsync(device, null, MaxChannelsPerDevice, cancellationToken).ConfigureAwait(false);
        var current = new Dictionary<string, ChannelFault>(StringComparer.Ordinal);
        foreach (var fault in faults)
        {
            if (fault.ExpiresAt > now)
            {
                current[fault.Channel] = fault;
            }
        }

        return current;
    }

    /// <inheritdoc />
    public async ValueTask<ChannelFault> RecordAsync(DeviceId device, string channel, ChannelFaultReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(report);
        var previous = await GetAsync(device, cancellationToken).ConfigureAwait(false);
        var retries = previous.TryGetValue(channel, out var last) ? last.Retries + 1 : 0;
        var now = time.GetUtcNow();
        var fault = new ChannelFault(device, channel, Cut(report.Code, 128), Cut(report.Message, options.MaxMessageLength),
            report.Detail is null ? null : Cut(report.Detail, options.MaxDetailLength), report.Provisions, retries, now,
            now + Delay(retries), now + options.Expiry);
        await store.PutChannelFaultAsync(fault, cancellationToken).ConfigureAwait(false);
        return fault;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ClearAsync(DeviceId device, string channel, CancellationToken cancellationToken) =>
        await store.ClearChannelFaultAsync(device, channel, cancellationToken).ConfigureAwait(false);

    /// <summary>The wait after the fault that follows <paramref name="retries"/> earlier ones: the first delay doubled that many times, capped.</summary>
    public TimeSpan Delay(int retries)
    {
        var delay = options.RetryDelay;
        for (var i = 0; i < retries && delay < options.MaxRetryDelay; i++)
        {
            delay *= 2;
        }

        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }

    private static string Cut(string text, int max) => Palisade.Cwmp.ClientText.Cut(text, max);
}
