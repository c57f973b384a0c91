using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary>
/// <c>palisade presets|provisions|vparams list|show|put|delete</c>: the provisioning policy over the API (writing needs
/// a key with the write-provisioning permission, e.g. of the provisioner role).
/// </summary>
internal static class ProvisioningCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Presets()
    {
        var list = new Command("list", "List the presets, by name.") { ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        list.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, "api/v1/presets", null, body =>
        {
            var table = new Table().AddColumns("name", "weight", "channel", "events", "precondition", "schedule", "configurations");
            foreach (var p in body["presets"]!.AsArray())
            {
                table.AddRow(
                    Markup.Escape(p!["name"]!.ToString()),
                    Markup.Escape(p["weight"]!.ToString()),
                    Markup.Escape(p["channel"]!.ToString()),
                    Markup.Escape(string.Join(", ", p["events"]!.AsObject().Select(e => (e.Value!.GetValue<bool>() ? string.Empty : "-") + e.Key))),
                    Markup.Escape(p["precondition"]!.ToString()),
                    Markup.Escape(p["schedule"]!.ToString()),
                    Markup.Escape(string.Join(", ", p["configurations"]!.AsArray().Select(c => c!["type"] + ":" + (c["name"] ?? c["tag"])))));
            }

            AnsiConsole.Write(table);
        }, ct));

        var name = new Argument<string>("name") { Description = "The preset's name." };
        var show = new Command("show", "Print one preset as JSON.") { name, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        show.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, "api/v1/presets/" + Uri.EscapeDataString(r.GetValue(name)!), null, Print, ct));

        var file = new Argument<string>("file") { Description = "A JSON file in GenieACS's preset shape, or - for standard input." };
        var put = new Command("put", "Create or replace a preset from a JSON file.") { name, file, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        put.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Put, "api/v1/presets/" + Uri.EscapeDataString(r.GetValue(name)!), await ReadAsync(r.GetValue(file)!, ct), Print, ct));

        var delete = new Command("delete", "Delete a preset.") { name, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        delete.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Delete, "api/v1/presets/" + Uri.EscapeDataString(r.GetValue(name)!), null, Print, ct));
        return new Command("presets", "List, show, write and delete presets through the API.") { list, show, put, delete };
    }

    /// <summary>The commands of one kind of script: <c>provisions</c> or <c>vparams</c>.</summary>
    public static Command Scripts(string command, string route, string listName, string what)
    {
        var list = new Command("list", $"List the {what}s, by name, with the SHA-256 of each.") { ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        list.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, "api/v1/" + route, null, body =>
        {
            var table = new Table().AddColumns("name", "sha256", "updated", "by");
            foreach (var s in body[listName]!.AsArray())
            {
                table.AddRow(Markup.Escape(s!["name"]!.ToString()), Markup.Escape(s["sha256"]!.ToString()), Markup.Escape(s["updated"]!.ToString()), Markup.Escape(s["updatedBy"]!.ToString()));
            }

            AnsiConsole.Write(table);
        }, ct));

        var name = new Argument<string>("name") { Description = $"The {what}'s name." };
        var show = new Command("show", $"Print one {what}'s script.") { name, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        show.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, $"api/v1/{route}/{Uri.EscapeDataString(r.GetValue(name)!)}", null,
            body => Console.WriteLine(body["script"]?.GetValue<string>()), ct));

        var file = new Argument<string>("file") { Description = "A JavaScript file, or - for standard input." };
        var put = new Command("put", $"Create or replace a {what} from a JavaScript file.") { name, file, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        put.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Put, $"api/v1/{route}/{Uri.EscapeDataString(r.GetValue(name)!)}", await ReadAsync(r.GetValue(file)!, ct), Print, ct, "text/javascript"));

        var delete = new Command("delete", $"Delete a {what}.") { name, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        delete.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Delete, $"api/v1/{route}/{Uri.EscapeDataString(r.GetValue(name)!)}", null, Print, ct));
        return new Command(command, $"List, show, write and delete {what}s through the API.") { list, show, put, delete };
    }

    private static void Print(JsonNode body) => Console.WriteLine(body.ToJsonString(Indented));

    private static async Task<string> ReadAsync(string file, CancellationToken ct) =>
        file == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(file, ct);
}
