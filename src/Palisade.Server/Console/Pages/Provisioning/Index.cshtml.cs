using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Provisioning;

namespace Palisade.Server.Console.Pages.Provisioning;

/// <summary><c>/provisioning</c>: presets, provisions and virtual parameters (docs/provisioning.md).</summary>
public sealed class ProvisioningListPage : ConsolePage
{
    public IReadOnlyList<StoredPreset> Presets { get; private set; } = [];

    public IReadOnlyList<StoredScript> Provisions { get; private set; } = [];

    public IReadOnlyList<StoredScript> VirtualParameters { get; private set; } = [];

    /// <summary>Opens the editor for a new one.</summary>
    public IActionResult OnGetNew([FromQuery] string? kind, [FromQuery] string? name) =>
        kind is "preset" or "provision" or "vparam" && !string.IsNullOrWhiteSpace(name)
            ? Redirect("/provisioning/" + kind + "/" + Uri.EscapeDataString(name.Trim()))
            : Redirect("/provisioning");

    public async Task OnGetAsync()
    {
        Title = "Provisioning";
        var ct = HttpContext.RequestAborted;
        await TryAsync(async () =>
        {
            Presets = await Services.Provisioning.ListPresetsAsync(Caller, ct).ConfigureAwait(false);
            Provisions = await Services.Provisioning.ListScriptsAsync(Caller, ScriptKind.Provision, ct).ConfigureAwait(false);
            VirtualParameters = await Services.Provisioning.ListScriptsAsync(Caller, ScriptKind.VirtualParameter, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
