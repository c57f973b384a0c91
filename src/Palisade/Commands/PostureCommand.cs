using System.CommandLine;
using Palisade.Acs.Posture;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade posture</c>: the fleet's security posture, from the store on this machine.</summary>
internal static class PostureCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data folder of the server (default ./palisade-data).", DefaultValueFactory = _ => "palisade-data" };
        var allow = new Option<string[]>("--acs-url-allow") { Description = "Hosts devices' ACS URLs may point to (default localhost, 127.0.0.1).", AllowMultipleArgumentsPerToken = true };
        var minimum = new Option<string?>("--min-firmware") { Description = "Report devices whose SoftwareVersion is below this version." };
        var command = new Command("posture", "Show the fleet's security posture: plaintext devices, Basic, bootstrap credentials, shared connection-request passwords, foreign ACS URLs, unexpected BOOTSTRAPs, old firmware.")
        {
            data, allow, minimum,
        };
        command.SetAction(async (r, ct) =>
        {
            await using var store = Stores.Open(r.GetValue(data)!);
            var hosts = r.GetValue(allow) is { Length: > 0 } a ? a : ["localhost", "127.0.0.1"];
            var items = await FleetPosture.ComputeAsync(store, hosts, r.GetValue(minimum), DateTimeOffset.UtcNow, ct);
            var table = new Table().AddColumns("severity", "item", "devices", "list them with", "remedy");
            foreach (var i in items)
            {
                table.AddRow(i.Severity, Markup.Escape(i.Title), i.Devices.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(i.Filter),
                    Markup.Escape(i.Remedy + (i.RemedyTask is { } task ? $" Task: {task}" : string.Empty)));
            }

            AnsiConsole.Write(table);
            return items.Any(i => i.Devices > 0 && i.Severity is "high" or "critical") ? 1 : 0;
        });
        return command;
    }
}
