using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Files;
using Palisade.Acs.Query;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// The rules of firmware campaigns for operators (the API, the CLI and the console): reading needs <c>read-files</c>;
/// pausing and aborting need <c>write-files</c>; creating, resuming and retrying, which send firmware to devices, need
/// <c>write-files</c> and <c>write-management-server</c> (as a firmware download task does). Targets are the devices
/// the filter matches within the caller's scope when the campaign is created, shuffled and cut into the plan's stages.
/// Every write is audited.
/// </summary>
public sealed class CampaignService(ICampaignStore store, IFileStore files, IDeviceRegistry devices, AuditService audit, TimeProvider time)
{
    /// <summary>The most devices one campaign targets.</summary>
    public const int MaxDevices = 1_000_000;

    /// <summary>Raised after a write that may start devices (create, resume, retry): the scheduler looks at once.</summary>
    public event Action? Changed;

    /// <summary>Campaigns, newest first, those before <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<Campaign>> ListAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFiles);
        return await store.ListCampaignsAsync(before, Math.Clamp(limit, 1, 1000), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Campaigns with their progress, newest first, those before <paramref name="before"/>: one read per campaign.</summary>
    public async Task<IReadOnlyList<CampaignView>> ListViewsAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        var list = await ListAsync(caller, before, limit, cancellationToken).ConfigureAwait(false);
        var views = new List<CampaignView>(list.Count);
        foreach (var campaign in list)
        {
            views.Add(await ViewAsync(campaign, cancellationToken).ConfigureAwait(false));
        }

        return views;
    }

    /// <summary>Whether a campaign can send <paramref name="file"/>: a firmware image with a version (the success check compares it).</summary>
    public static bool Sendable(StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.FileType == FileTypes.Firmware && file.Version.Length > 0;
    }

    /// <summary>A campaign and its progress.</summary>
    public async Task<CampaignView> GetAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFiles);
        return await ViewAsync(await FindAsync(id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A campaign's devices (in <paramref name="state"/> when given), by device id after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<CampaignDevice>> DevicesAsync(Caller caller, long id, CampaignDeviceState? state, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFiles);
        await FindAsync(id, cancellationToken).ConfigureAwait(false);
        return await store.ListCampaignDevicesAsync(id, state, after, Math.Clamp(limit, 1, 1000), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a campaign: the file must be a firmware image with a version; the filter's devices (within the caller's
    /// scope, at most <see cref="MaxDevices"/>) are shuffled into the stages. A device already in another campaign that
    /// holds devices is a conflict, and nothing is written. Audited as <c>campaign.create</c>.
    /// </summary>
    public async Task<CampaignView> CreateAsync(Caller caller, CampaignRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        caller.Demand(Permission.WriteFiles);
        caller.Demand(Permission.WriteManagementServer);
        var file = await files.GetFileAsync(request.FileName, cancellationToken).ConfigureAwait(false)
            ?? throw ServiceException.Invalid("file", "No file by that name is stored (palisade files list).");
        if (!Sendable(file))
        {
            throw ServiceException.Invalid("file", $"A campaign sends a firmware image with a version; '{file.Name}' is '{file.FileType}'.");
        }

        var now = time.GetUtcNow();
        var filter = caller.Scoped(Filters.Parse(request.Filter, now));
        var targets = await devices.MatchDeviceIdsAsync(filter, MaxDevices + 1, cancellationToken).ConfigureAwait(false);
        if (targets.Count == 0)
        {
            throw ServiceException.Invalid("filter", "The filter matches no device.");
        }

        if (targets.Count > MaxDevices)
        {
            throw ServiceException.TooMuchWork($"The filter matches more than {MaxDevices} devices; narrow it or run several campaigns.");
        }

        // Shuffled, so that the canary is a sample of the fleet, not its lowest serial numbers.
        var order = targets.Select(t => t.ToString()).ToArray();
        RandomNumberGenerator.Shuffle(order.AsSpan());
        var stages = request.Plan.StageOf(order.Length);
        var campaign = new Campaign(0, request.Name, file.Name, file.Sha256, file.Version, request.Filter, request.Plan,
            request.Start ? CampaignState.Running : CampaignState.Draft, null, 0, now, caller.Actor, now);
        long id;
        try
        {
            id = await store.CreateCampaignAsync(campaign, [.. order.Select((d, i) => (d, stages[i]))], cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.Rejected)
        {
            throw ServiceException.Conflict("A device the filter matches is already in another campaign (a device is in one campaign at a time): " + e.Message);
        }

        await audit.RecordAsync(caller, "campaign.create", id.ToString(System.Globalization.CultureInfo.InvariantCulture), new JsonObject
        {
            ["name"] = request.Name,
            ["file"] = file.Name,
            ["sha256"] = file.Sha256,
            ["devices"] = order.Length,
            ["filter"] = request.Filter,
        }).ConfigureAwait(false);
        Changed?.Invoke();
        return await ViewAsync(campaign with { Id = id }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses a running campaign: nothing new starts; devices in progress finish. Audited.</summary>
    public Task<CampaignView> PauseAsync(Caller caller, long id, CancellationToken cancellationToken) =>
        MoveAsync(caller, id, "pause", [CampaignState.Running], CampaignState.Paused, cancellationToken);

    /// <summary>Resumes a paused, halted or draft campaign. Audited.</summary>
    public Task<CampaignView> ResumeAsync(Caller caller, long id, CancellationToken cancellationToken) =>
        MoveAsync(caller, id, "resume", [CampaignState.Paused, CampaignState.Halted, CampaignState.Draft], CampaignState.Running, cancellationToken);

    /// <summary>Aborts a campaign that holds devices: its queued downloads are cancelled and its devices released. Audited.</summary>
    public Task<CampaignView> AbortAsync(Caller caller, long id, CancellationToken cancellationToken) =>
        MoveAsync(caller, id, "abort", [CampaignState.Draft, CampaignState.Running, CampaignState.Paused, CampaignState.Halted], CampaignState.Aborted, cancellationToken);

    /// <summary>
    /// Puts the failed devices of a campaign that holds devices back to pending (a halted campaign stays halted until
    /// resumed). Audited as <c>campaign.retry</c> with the count.
    /// </summary>
    public async Task<CampaignView> RetryAsync(Caller caller, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteFiles);
        caller.Demand(Permission.WriteManagementServer);
        var campaign = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (!CampaignStates.HoldsDevices(campaign.State))
        {
            throw ServiceException.Conflict($"Campaign {id} is {CampaignStates.Name(campaign.State)}; only a campaign that has not ended retries its failed devices.");
        }

        var count = await store.RetryFailedCampaignDevicesAsync(id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller, "campaign.retry", Key(id), new JsonObject { ["devices"] = count }).ConfigureAwait(false);
        Changed?.Invoke();
        return await ViewAsync(await FindAsync(id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The name of a campaign that has not ended and sends <paramref name="fileName"/> (the file store's InUse hook).</summary>
    public Task<string?> UsingFileAsync(string fileName, CancellationToken cancellationToken) => store.CampaignUsingFileAsync(fileName, cancellationToken);

    private async Task<CampaignView> MoveAsync(Caller caller, long id, string verb, CampaignState[] from, CampaignState to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteFiles);
        if (to == CampaignState.Running)
        {
            caller.Demand(Permission.WriteManagementServer);
        }

        var campaign = await FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (!from.Contains(campaign.State)
            || !await store.SetCampaignStateAsync(id, campaign.State, to, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.Conflict($"Campaign {id} is {CampaignStates.Name(campaign.State)}; it cannot {verb} (from {string.Join(", ", from.Select(CampaignStates.Name))} only).");
        }

        await audit.RecordAsync(caller, "campaign." + verb, Key(id), new JsonObject { ["from"] = CampaignStates.Name(campaign.State), ["haltReason"] = campaign.HaltReason }).ConfigureAwait(false);
        if (to == CampaignState.Running)
        {
            Changed?.Invoke();
        }

        return await ViewAsync(await FindAsync(id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Campaign> FindAsync(long id, CancellationToken cancellationToken) =>
        await store.GetCampaignAsync(id, cancellationToken).ConfigureAwait(false) ?? throw ServiceException.NotFound("campaign");

    private async Task<CampaignView> ViewAsync(Campaign campaign, CancellationToken cancellationToken) =>
        new(campaign, await store.GetCampaignProgressAsync(campaign.Id, campaign.Plan.Stages.Count, cancellationToken).ConfigureAwait(false));

    private static string Key(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
