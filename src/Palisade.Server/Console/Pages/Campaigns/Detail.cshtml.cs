using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Services;

namespace Palisade.Server.Console.Pages.Campaigns;

/// <summary>
/// <c>/campaigns/{id}</c>: a campaign's plan, its progress by stage and state and its failures by reason (refreshed
/// without reloading), and pause, resume, abort (after a confirmation) and retry of the failed devices, each through
/// <see cref="CampaignService"/>.
/// </summary>
public sealed class CampaignDetailPage : ConsolePage
{
    /// <summary>Failed devices listed at most.</summary>
    public const int FailedShown = 100;

    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public CampaignView? View { get; private set; }

    public IReadOnlyList<CampaignDevice> FailedDevices { get; private set; } = [];

    /// <summary>True while the abort waits for its confirmation.</summary>
    public bool ConfirmAbort { get; private set; }

    public string Self => "/campaigns/" + Id.ToString(CultureInfo.InvariantCulture);

    public async Task OnGetAsync([FromQuery] bool abort = false)
    {
        ConfirmAbort = abort;
        await LoadAsync().ConfigureAwait(false);
    }

    /// <summary>The progress section alone, for the live refresh.</summary>
    public async Task<IActionResult> OnGetProgressAsync()
    {
        await LoadAsync().ConfigureAwait(false);
        return Partial("_CampaignProgress", this);
    }

    public Task<IActionResult> OnPostPauseAsync() => ActAsync("paused", (s, c, ct) => s.PauseAsync(c, Id, ct));

    public Task<IActionResult> OnPostResumeAsync() => ActAsync("resumed", (s, c, ct) => s.ResumeAsync(c, Id, ct));

    public Task<IActionResult> OnPostAbortAsync() => ActAsync("aborted", (s, c, ct) => s.AbortAsync(c, Id, ct));

    public Task<IActionResult> OnPostRetryAsync() => ActAsync("retrying its failed devices", (s, c, ct) => s.RetryAsync(c, Id, ct));

    private Task<IActionResult> ActAsync(string done, Func<CampaignService, Acs.Access.Caller, CancellationToken, Task<CampaignView>> action) => ActAsync(
        async () =>
        {
            await action(Require(), Caller, HttpContext.RequestAborted).ConfigureAwait(false);
            return ($"Campaign {Id} {done}.", Self);
        },
        LoadAsync);

    private CampaignService Require() => Services.Campaigns ?? throw new ServiceException(ServiceErrorReason.NotFound, "This server runs without a file store, so without campaigns (--files-port -1).");

    private async Task LoadAsync()
    {
        Title = "Campaign " + Id.ToString(CultureInfo.InvariantCulture);
        await TryAsync(async () =>
        {
            var campaigns = Require();
            var ct = HttpContext.RequestAborted;
            View = await campaigns.GetAsync(Caller, Id, ct).ConfigureAwait(false);
            Title = "Campaign " + View.Campaign.Name;
            FailedDevices = View.Progress.Failed == 0 ? [] : await campaigns.DevicesAsync(Caller, Id, CampaignDeviceState.Failed, null, FailedShown, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
