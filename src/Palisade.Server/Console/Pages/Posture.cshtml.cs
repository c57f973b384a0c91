using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Devices;
using Palisade.Acs.Posture;
using Palisade.Acs.Tasks;

namespace Palisade.Server.Console.Pages;

/// <summary><c>/posture</c>: the fleet's weaknesses, each with its devices and its remedy (queued after a confirmation).</summary>
public sealed class PosturePage : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public string? MinFirmware { get; set; }

    public IReadOnlyList<PostureItem> Items { get; private set; } = [];

    /// <summary>The item whose remedy waits for confirmation, with the devices it will touch.</summary>
    public (PostureItem Item, long Count)? Pending { get; private set; }

    public async Task OnGetAsync()
    {
        Title = "Posture";
        await TryAsync(LoadAsync).ConfigureAwait(false);
    }

    public async Task OnPostConfirmAsync([FromForm] string item)
    {
        Title = "Posture";
        if (await TryAsync(LoadAsync).ConfigureAwait(false) && Find(item) is { } found)
        {
            var count = (await Services.Devices.ListAsync(Caller, new DeviceQuery(found.Filter, Limit: 1), HttpContext.RequestAborted).ConfigureAwait(false)).Total ?? 0;
            Pending = (found, count);
        }
    }

    public async Task OnPostApplyAsync([FromForm] string item)
    {
        Title = "Posture";
        if (await TryAsync(LoadAsync).ConfigureAwait(false) && Find(item) is { RemedyTask: { } task } found)
        {
            await TryAsync(async () =>
            {
                var (created, name) = await Services.Tasks.CreateBulkAsync(Caller, found.Filter, new TaskRequest(JsonNode.Parse(task)), HttpContext.RequestAborted).ConfigureAwait(false);
                Message = string.Create(CultureInfo.InvariantCulture, $"Task {name} queued for {created} device(s).");
            }).ConfigureAwait(false);
        }
    }

    public static string Search(string filter) => "/devices?filter=" + Uri.EscapeDataString(filter);

    private PostureItem? Find(string id) => Items.FirstOrDefault(i => i.Id == id);

    private async Task LoadAsync() => Items = await Services.Posture.ComputeAsync(Caller, string.IsNullOrWhiteSpace(MinFirmware) ? null : MinFirmware, HttpContext.RequestAborted).ConfigureAwait(false);
}
