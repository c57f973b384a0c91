using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Services;

namespace Palisade.Server.Console.Pages.Provisioning;

/// <summary>
/// <c>/provisioning/{kind}/{name}</c>: a preset's JSON or a script, with a syntax check before saving (the service's
/// own checks: a preset's fields and precondition, a script's strict-mode JavaScript), save and delete.
/// </summary>
public sealed class ProvisioningEditPage : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public string Kind { get; set; } = string.Empty;

    // Model binding sets null for a blank route value ("/provisioning/provision/%20"): kept as empty, which the
    // services refuse or do not find, instead of a null that reached the store.
    private string _name = string.Empty;

    [BindProperty(SupportsGet = true, Name = "name")]
    public string Name { get => _name; set => _name = value ?? string.Empty; }

    /// <summary>The text being edited.</summary>
    [BindProperty]
    public string? Body { get; set; }

    public bool Exists { get; private set; }

    /// <summary>The device a provision's dry run uses.</summary>
    [BindProperty]
    public string? Device { get; set; }

    public DryRunReport? DryRun { get; private set; }

    public string? UpdatedLine { get; private set; }

    public string KindTitle => Kind switch { "preset" => "Preset", "provision" => "Provision", _ => "Virtual parameter" };

    public async Task<IActionResult> OnGetAsync()
    {
        if (Kind is not ("preset" or "provision" or "vparam") || string.IsNullOrWhiteSpace(Name))
        {
            return NotFound();
        }

        Title = KindTitle + " " + Name;
        await TryAsync(async () =>
        {
            var ct = HttpContext.RequestAborted;
            try
            {
                if (Kind == "preset")
                {
                    var p = await Services.Provisioning.GetPresetAsync(Caller, Name, ct).ConfigureAwait(false);
                    Body = JsonNode.Parse(p.Document)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
                    UpdatedLine = $"Updated {DevicesPage.Time(p.UpdatedAt)} by {p.UpdatedBy}";
                }
                else
                {
                    var s = await Services.Provisioning.GetScriptAsync(Caller, ScriptKindOf(Kind), Name, ct).ConfigureAwait(false);
                    Body = s.Body;
                    UpdatedLine = $"Updated {DevicesPage.Time(s.UpdatedAt)} by {s.UpdatedBy}; SHA-256 {s.Sha256}";
                }

                Exists = true;
            }
            catch (ServiceException e) when (e.Reason == ServiceErrorReason.NotFound)
            {
                Body = Kind == "preset"
                    ? "{\n  \"weight\": 0,\n  \"channel\": \"default\",\n  \"events\": {\"0 BOOTSTRAP\": true},\n  \"precondition\": \"\",\n  \"configurations\": []\n}"
                    : "// " + KindTitle + " " + Name + "\n";
            }
        }).ConfigureAwait(false);
        return Page();
    }

    /// <summary>Checks the text as saving would, without saving.</summary>
    public void OnPostCheck()
    {
        Title = KindTitle + " " + Name;
        Exists = true;
        try
        {
            if (Kind == "preset")
            {
                Services.Provisioning.CheckPreset(Caller, Name, ParseJson());
            }
            else
            {
                Services.Provisioning.CheckScript(Caller, ScriptKindOf(Kind), Name, Body);
            }

            Message = "The syntax is correct.";
        }
        catch (ServiceException e)
        {
            Fail(e);
        }
    }

    /// <summary>Runs the provision as written (saved or not) once against a device's stored data; nothing is written.</summary>
    public async Task OnPostDryRunAsync()
    {
        Title = KindTitle + " " + Name;
        Exists = true;
        await TryAsync(async () =>
        {
            if (Kind != "provision")
            {
                throw ServiceException.Invalid("kind", "A dry run runs a provision.");
            }

            Services.Provisioning.CheckScript(Caller, ScriptKind.Provision, Name, Body);
            var dryRun = (ProvisioningDryRun)HttpContext.RequestServices.GetService(typeof(ProvisioningDryRun))!;
            DryRun = await dryRun.RunAsync(Caller, Device ?? string.Empty, Name, Body!, HttpContext.RequestAborted).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public async Task OnPostSaveAsync()
    {
        Title = KindTitle + " " + Name;
        Exists = true;
        await TryAsync(async () =>
        {
            var ct = HttpContext.RequestAborted;
            var created = Kind == "preset"
                ? (await Services.Provisioning.PutPresetAsync(Caller, Name, ParseJson(), ct).ConfigureAwait(false)).Created
                : (await Services.Provisioning.PutScriptAsync(Caller, ScriptKindOf(Kind), Name, Body, ct).ConfigureAwait(false)).Created;
            Message = created ? "Created." : "Saved.";
        }).ConfigureAwait(false);
    }

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        Title = KindTitle + " " + Name;
        var ok = await TryAsync(async () =>
        {
            var ct = HttpContext.RequestAborted;
            if (Kind == "preset")
            {
                await Services.Provisioning.DeletePresetAsync(Caller, Name, ct).ConfigureAwait(false);
            }
            else
            {
                await Services.Provisioning.DeleteScriptAsync(Caller, ScriptKindOf(Kind), Name, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        if (!ok)
        {
            return Page();
        }

        Flash($"{KindTitle} {Name} deleted.");
        return Redirect("/provisioning");
    }

    private static ScriptKind ScriptKindOf(string kind) => kind == "provision" ? ScriptKind.Provision : ScriptKind.VirtualParameter;

    private JsonNode? ParseJson()
    {
        try
        {
            return StrictJson.Parse(Body ?? string.Empty, new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw ServiceException.Invalid("body", "The preset is not valid JSON: " + e.Message);
        }
    }
}
