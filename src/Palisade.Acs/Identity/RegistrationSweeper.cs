using System.Globalization;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Identity;

/// <summary>
/// The store side of the <see cref="EnrollmentGate"/>: records device flags (claim conflicts, storage bounds) as tags, deletes
/// registrations that never completed enrollment and have been silent for <see cref="EnrollmentOptions.PendingLifetime"/>,
/// and recounts those still pending. The host calls <see cref="SweepAsync"/> often; it does its work at most once per
/// <see cref="EnrollmentOptions.SweepInterval"/>.
/// </summary>
public sealed class RegistrationSweeper(EnrollmentGate gate, IDeviceRegistry store, TimeProvider time, ILogger logger)
{
    /// <summary>The most registrations one sweep deletes; the next sweep goes on.</summary>
    public const int MaxPerSweep = 5000;

    // A registration is pending while the device has only ever got in on the bootstrap credential.
    private const string PendingFilter = "enrolled = false AND authMethod = \"bootstrap\"";

    private DateTimeOffset? _last;

    /// <summary>Runs a sweep if one is due; returns how many registrations it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var (id, flag) in gate.TakeFlags())
        {
            // False when the device is gone (an impostor's attempt on an id never stored is only logged).
            await store.SetTagAsync(id, flag, true, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        if (_last is { } last && now - last < gate.Options.SweepInterval)
        {
            return 0;
        }

        _last = now;
        var cutoff = (now - gate.Options.PendingLifetime).ToString("O", CultureInfo.InvariantCulture);
        var expired = FilterParser.Parse($"{PendingFilter} AND lastInform < \"{cutoff}\"", now);
        var ids = await store.MatchDeviceIdsAsync(expired, MaxPerSweep, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var id in ids)
        {
            if (await store.DeleteDeviceAsync(id, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
            }
        }

        var pending = await store.SearchDevicesAsync(new DeviceSearch(FilterParser.Parse(PendingFilter, now), "id", false, null, 1, IncludeTotal: true), cancellationToken).ConfigureAwait(false);
        gate.SetPending(pending.Total ?? 0);
        if (deleted > 0)
        {
            IdentityLog.Expired(logger, deleted, gate.Pending);
        }

        return deleted;
    }
}
