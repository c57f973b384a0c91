using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Devices;
using Palisade.Acs.Files;
using Palisade.Acs.Services;

namespace Palisade.Server.Console.Pages.Campaigns;

/// <summary>
/// <c>/campaigns</c>: staged firmware campaigns, newest first, each with its progress (refreshed without reloading), and
/// the form that creates one: <em>Review…</em> shows how many devices the filter matches, <em>Create</em> makes it.
/// Every rule is <see cref="CampaignService"/>'s.
/// </summary>
public sealed class CampaignListPage : ConsolePage
{
    /// <summary>Campaigns on one page of the list.</summary>
    public const int PageSize = 20;

    public IReadOnlyList<CampaignView> Campaigns { get; private set; } = [];

    /// <summary>Firmware images the form offers.</summary>
    public IReadOnlyList<StoredFile> Firmware { get; private set; } = [];

    /// <summary>The list starts before this campaign id (paging).</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    /// <summary>The create form (a filter may come from the device list's bulk action).</summary>
    [BindProperty(SupportsGet = true)]
    public CampaignForm Form { get; set; } = new();

    /// <summary>How many devices the reviewed form would target, once reviewed.</summary>
    public long? ReviewCount { get; private set; }

    /// <summary>False when the server runs without a file store, so without campaigns.</summary>
    public bool Enabled => Services.Campaigns is not null;

    public async Task OnGetAsync()
    {
        Title = "Campaigns";
        await LoadAsync().ConfigureAwait(false);
    }

    /// <summary>The list alone, for the live refresh.</summary>
    public async Task<IActionResult> OnGetListAsync()
    {
        await LoadAsync(withFirmware: false).ConfigureAwait(false);
        return Partial("_CampaignList", this);
    }

    /// <summary>Checks the form as creating would and shows how many devices it will touch.</summary>
    public async Task OnPostReviewAsync()
    {
        Title = "Campaigns";
        await TryAsync(async () =>
        {
            var request = Form.ToRequest();
            Require();
            ReviewCount = (await Services.Devices.ListAsync(Caller, new DeviceQuery(request.Filter, Limit: 1), HttpContext.RequestAborted).ConfigureAwait(false)).Total ?? 0;
        }).ConfigureAwait(false);
        await LoadAsync().ConfigureAwait(false);
    }

    /// <summary>Creates the campaign and opens it.</summary>
    public Task<IActionResult> OnPostCreateAsync()
    {
        Title = "Campaigns";
        return ActAsync(
            async () =>
            {
                var created = await Require().CreateAsync(Caller, Form.ToRequest(), HttpContext.RequestAborted).ConfigureAwait(false);
                return ($"Campaign {created.Campaign.Id} created for {created.Progress.Targeted} device(s).", "/campaigns/" + created.Campaign.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            },
            () => LoadAsync());
    }

    private CampaignService Require() => Services.Campaigns ?? throw new ServiceException(ServiceErrorReason.NotFound, "This server runs without a file store, so without campaigns (--files-port -1).");

    // The list with its progress, and (for the create form, not the live refresh) the firmware a campaign can send.
    private async Task LoadAsync(bool withFirmware = true)
    {
        if (Services.Campaigns is not { } campaigns)
        {
            return;
        }

        await TryAsync(async () =>
        {
            var ct = HttpContext.RequestAborted;
            Campaigns = await campaigns.ListViewsAsync(Caller, Before, PageSize, ct).ConfigureAwait(false);
            if (withFirmware && Services.Files is { } files)
            {
                Firmware = [.. (await files.ListAsync(Caller, null, 1000, ct).ConfigureAwait(false)).Where(CampaignService.Sendable)];
            }
        }).ConfigureAwait(false);
    }
}
