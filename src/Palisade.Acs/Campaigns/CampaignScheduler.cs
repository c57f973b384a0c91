using Microsoft.Extensions.Logging;
using Palisade.Acs.Files;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// Moves running campaigns on, once a second on every node (the host's sweep loop calls <see cref="TickAsync"/>). For
/// each (and for paused and halted ones while they have devices in progress, this only): devices that did not come back within the plan's time fail; a halt rule of the current stage halts it; a
/// finished stage that has soaked passes to the next (or completes the campaign); otherwise pending
/// devices of the current stage (inside their own maintenance window) are started up to the concurrency cap, each with a stored-file download task queued in
/// the same store transaction, and woken with a connection request. Every decision is a compare-and-set in the store,
/// so nodes sharing it never double up, and all state lives there, so a restart loses nothing.
/// </summary>
public sealed partial class CampaignScheduler(IPalisadeStore store, TimeProvider time, ILogger logger) : IDisposable
{
    /// <summary>The most devices started per campaign and tick.</summary>
    public const int MaxStartsPerTick = 500;

    /// <summary>The most pending devices read per campaign and tick to find those inside their maintenance window.</summary>
    public const int MaxCandidatesPerTick = 1000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, CampaignCandidate> _windowCursors = new();

    // Paused or halted campaigns with no device in progress, as of their state and its time (a new state reads again).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (CampaignState State, DateTimeOffset UpdatedAt)> _idle = new();

    private volatile bool _anyActive = true;

    private int _touches;

    /// <summary>
    /// Wakes devices just started (a connection request each); null: they start at their next periodic inform.
    /// </summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task>? Wake { get; set; }

    /// <summary>This node's campaign instruments (meter <c>Palisade.Campaigns</c>).</summary>
    public CampaignMetrics Metrics { get; } = new();

    /// <summary>
    /// False once a tick found no device in progress in any campaign (running, paused or halted): sessions then skip the
    /// campaign lookup, since the step judges only devices in progress. Only a tick starts devices, and it sets this
    /// again when it does; a paused or halted campaign starts none, so once it has none in progress it stays so.
    /// </summary>
    public bool AnyActive => _anyActive;

    /// <summary>Marks that a campaign may have started (the service calls it after a create, resume or retry).</summary>
    public void Touch()
    {
        Interlocked.Increment(ref _touches);
        _anyActive = true;
    }

    /// <inheritdoc />
    public void Dispose() => Metrics.Dispose();

    /// <summary>One pass over the running campaigns.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var touches = Volatile.Read(ref _touches);
        var running = await store.CampaignIdsAsync(CampaignState.Running, cancellationToken).ConfigureAwait(false);
        var paused = await store.CampaignIdsAsync(CampaignState.Paused, cancellationToken).ConfigureAwait(false);
        var halted = await store.CampaignIdsAsync(CampaignState.Halted, cancellationToken).ConfigureAwait(false);

        // A campaign that ended (completed here or elsewhere, or aborted) leaves the gauges.
        var holding = new HashSet<long>([.. running, .. paused, .. halted]);
        Metrics.KeepOnly(holding);
        var inProgress = false;
        foreach (var id in running)
        {
            if (await store.GetCampaignAsync(id, cancellationToken).ConfigureAwait(false) is { State: CampaignState.Running } campaign)
            {
                inProgress |= await StepAsync(campaign, cancellationToken).ConfigureAwait(false);
            }
        }

        // A paused or halted campaign starts nobody, but devices already downloading still end: they succeed when they
        // come back (the step), or fail here once the return-within bound passes, so its progress stays true. Once none
        // is in progress nothing changes until its state does: it costs no further read, write or session lookup.
        var stopped = new HashSet<long>([.. paused, .. halted]);
        foreach (var id in _idle.Keys.Where(k => !stopped.Contains(k)))
        {
            _idle.TryRemove(id, out _);
        }

        foreach (var id in stopped)
        {
            if (await store.GetCampaignAsync(id, cancellationToken).ConfigureAwait(false) is not { State: CampaignState.Paused or CampaignState.Halted } campaign)
            {
                continue;
            }

            if (_idle.TryGetValue(id, out var idle) && idle == (campaign.State, campaign.UpdatedAt))
            {
                continue;
            }

            await ExpireAsync(campaign, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var progress = await store.GetCampaignProgressAsync(campaign.Id, campaign.Plan.Stages.Count, cancellationToken).ConfigureAwait(false);
            Metrics.Observe(campaign.Id, progress);
            if (progress.InProgress > 0)
            {
                inProgress = true;
            }
            else
            {
                _idle[id] = (campaign.State, campaign.UpdatedAt);
            }
        }

        // A Touch during the tick (a campaign created or resumed meanwhile) keeps sessions looking until the next one.
        _anyActive = inProgress || Volatile.Read(ref _touches) != touches;
    }

    private async Task<int> ExpireAsync(Campaign campaign, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = await store.ExpireCampaignDevicesAsync(campaign.Id, now - campaign.Plan.ReturnWithin, now, cancellationToken).ConfigureAwait(false);
        if (expired > 0)
        {
            LogExpired(campaign.Id, expired);
        }

        return expired;
    }

    // One running campaign's tick; true when it has devices in progress afterwards (sessions must look them up).
    private async Task<bool> StepAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var plan = campaign.Plan;
        var now = time.GetUtcNow();
        await ExpireAsync(campaign, now, cancellationToken).ConfigureAwait(false);

        var progress = await store.GetCampaignProgressAsync(campaign.Id, plan.Stages.Count, cancellationToken).ConfigureAwait(false);
        Metrics.Observe(campaign.Id, progress);
        var stage = progress.Stages[campaign.Stage];
        var inProgress = progress.InProgress > 0;
        if (plan.Tripped(campaign.Stage, stage.Targeted, stage.Failed) is { } reason)
        {
            if (await store.SetCampaignStateAsync(campaign.Id, CampaignState.Running, CampaignState.Halted, reason, now, cancellationToken).ConfigureAwait(false))
            {
                Metrics.Halted(campaign.Id);
                LogHalted(campaign.Id, reason);
            }

            return inProgress;
        }

        if (stage.Finished)
        {
            // Passed: every device finished, no rule tripped, and the soak since the last one finished is over.
            var since = stage.LastFinishedAt is { } last && last > campaign.UpdatedAt ? last : campaign.UpdatedAt;
            if (now >= since + plan.Stages[campaign.Stage].Soak
                && await store.AdvanceCampaignStageAsync(campaign.Id, campaign.Stage, plan.Stages.Count, now, cancellationToken).ConfigureAwait(false))
            {
                LogAdvanced(campaign.Id, campaign.Stage + 1, campaign.Stage + 1 >= plan.Stages.Count ? "completed" : "stage " + (campaign.Stage + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
                _windowCursors.TryRemove(campaign.Id, out _);
                if (campaign.Stage + 1 >= plan.Stages.Count)
                {
                    Metrics.Forget(campaign.Id);
                }
            }

            return inProgress;
        }

        if (stage.Pending == 0 || stage.InProgress >= plan.MaxConcurrency)
        {
            return inProgress;
        }

        IReadOnlyCollection<string>? only = null;
        if (plan.Window is { } window)
        {
            only = await InsideWindowAsync(campaign, window, now, cancellationToken).ConfigureAwait(false);
            if (only.Count == 0)
            {
                return inProgress;
            }
        }

        var file = await store.GetFileAsync(campaign.FileName, cancellationToken).ConfigureAwait(false);
        if (file is null || file.Sha256 != campaign.FileSha256)
        {
            // Cannot happen through the file service (a file in use is neither replaced nor deleted); a store edited
            // behind its back halts the campaign rather than send other content.
            await store.SetCampaignStateAsync(campaign.Id, CampaignState.Running, CampaignState.Halted, $"file '{campaign.FileName}' changed or was deleted", now, cancellationToken).ConfigureAwait(false);
            return inProgress;
        }

        // Filled from the file just read (its content checked above), not read again.
        var download = StoredDownloads.For(file, new DownloadTask(FileTypes.Firmware, string.Empty, 0, string.Empty, campaign.FileName));
        var task = new NewTask(download.Name, TaskJson.Serialize(download), now, now + plan.ReturnWithin);
        var started = await store.StartCampaignDevicesAsync(campaign.Id, MaxStartsPerTick, plan.MaxConcurrency, task, only, now, cancellationToken).ConfigureAwait(false);
        if (started.Count > 0)
        {
            Metrics.DevicesStarted(campaign.Id, started.Count);
            LogStarted(campaign.Id, started.Count, campaign.Stage + 1);
            if (Wake is { } wake)
            {
                await wake([.. started.Select(d => d.DeviceId)], cancellationToken).ConfigureAwait(false);
            }
        }

        return inProgress || started.Count > 0;
    }

    /// <summary>
    /// The pending devices of the campaign's current stages whose local hour (<see cref="DeviceLocalTime"/>; UTC for a
    /// device that reports none) is inside the window now, from one page of at most <see cref="MaxCandidatesPerTick"/>.
    /// The next tick reads the next page, wrapping to the first after the last, so every pending device is looked at in
    /// turn however many wait outside their window, and a tick never reads the whole campaign.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> InsideWindowAsync(Campaign campaign, CampaignWindow window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var after = _windowCursors.TryGetValue(campaign.Id, out var cursor) ? cursor : null;
        var page = await store.PendingCampaignDevicesAsync(campaign.Id, campaign.Stage, after, MaxCandidatesPerTick, DeviceLocalTime.Paths, cancellationToken).ConfigureAwait(false);
        if (page.Count < MaxCandidatesPerTick)
        {
            _windowCursors.TryRemove(campaign.Id, out _);
        }
        else
        {
            _windowCursors[campaign.Id] = page[^1];
        }

        return [.. page.Where(c => window.ContainsFor(now, c.LocalTime)).Select(c => c.DeviceId)];
    }

    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Campaign {Campaign}: started {Count} devices of stage {Stage}")]
    private partial void LogStarted(long campaign, int count, int stage);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Information, Message = "Campaign {Campaign}: stage {Stage} passed; now {Next}")]
    private partial void LogAdvanced(long campaign, int stage, string next);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "Campaign {Campaign} halted: {Reason}")]
    private partial void LogHalted(long campaign, string reason);

    [LoggerMessage(EventId = 2123, Level = LogLevel.Information, Message = "Campaign {Campaign}: {Count} devices did not come back in time")]
    private partial void LogExpired(long campaign, int count);
}
