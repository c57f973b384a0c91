using System.CommandLine;
using System.Text.Json.Nodes;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Provisioning.Import;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary>
/// <c>palisade import genieacs --nbi URL</c>: reads the presets, provisions and virtual parameters of a running
/// GenieACS through its NBI and writes them through Palisade's API, listing what it could not translate and why.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The most one NBI answer may hold.</summary>
    private const int MaxAnswerBytes = 32 * 1024 * 1024;

    public static Command Create()
    {
        var nbi = new Option<string>("--nbi") { Description = "The GenieACS NBI, e.g. http://genieacs.internal:7557.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only read and translate; print the plan and write nothing." };
        var genieacs = new Command("genieacs", "Import presets, provisions and virtual parameters from a GenieACS NBI. Exit code 3 when some could not be translated (each is listed with the reason).")
        {
            nbi, dryRun, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca,
        };
        genieacs.SetAction(async (r, ct) =>
        {
            var baseUrl = new Uri(r.GetValue(nbi)!.TrimEnd('/') + "/");
            JsonNode? presets, provisions, vparams;
            try
            {
                using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = MaxAnswerBytes };
                provisions = await GetAsync(http, "provisions", ct);
                vparams = await GetAsync(http, "virtual_parameters", ct);
                presets = await GetAsync(http, "presets", ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Cannot read the GenieACS NBI at {baseUrl}: {e.Message}[/]");
                return 1;
            }

            var plan = GenieAcsImport.Plan(presets, provisions, vparams, new ProvisioningLimits(), DateTimeOffset.UtcNow);
            var failed = 0;
            foreach (var item in plan.Items)
            {
                if (r.GetValue(dryRun))
                {
                    AnsiConsole.MarkupLineInterpolated($"would import {item.Kind} {item.Name}");
                    continue;
                }

                var (route, body, type) = item.Kind switch
                {
                    "preset" => ("presets", item.Preset!.ToJsonString(), "application/json"),
                    "provision" => ("provisions", item.Script!, "text/javascript"),
                    _ => ("virtual-parameters", item.Script!, "text/javascript"),
                };
                var code = await ApiClientCommands.CallAsync(r, HttpMethod.Put, $"api/v1/{route}/{Uri.EscapeDataString(item.Name)}", body, _ => { }, ct, type);
                if (code == 0)
                {
                    AnsiConsole.MarkupLineInterpolated($"imported {item.Kind} {item.Name}");
                }
                else if (code == 2)
                {
                    return 2;
                }
                else
                {
                    failed++;
                    AnsiConsole.MarkupLineInterpolated($"[red]not imported {item.Kind} {item.Name}: the API refused it (above)[/]");
                }
            }

            foreach (var warning in plan.Warnings)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]warning: {warning}[/]");
            }

            foreach (var refusal in plan.Refusals)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]not translated {refusal.Kind} {refusal.Name}: {refusal.Reason}[/]");
            }

            AnsiConsole.MarkupLineInterpolated($"{plan.Items.Count - failed} imported, {plan.Refusals.Count + failed} not imported");
            return plan.Refusals.Count + failed == 0 ? 0 : 3;
        });
        return new Command("import", "Import provisioning policy from another ACS.") { genieacs };
    }

    private static async Task<JsonNode?> GetAsync(HttpClient http, string collection, CancellationToken ct)
    {
        using var response = await http.GetAsync(collection, ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // An older GenieACS without virtual parameters.
            return null;
        }

        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync(ct);
        return JsonNode.Parse(text, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 64 });
    }
}
