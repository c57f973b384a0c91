using System.CommandLine;
using Palisade.Acs.Access;
using Palisade.Acs.Query;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary>
/// <c>palisade keys</c>: API keys minted offline on the server's machine (no API call, no open set-up endpoint):
/// whoever can read the data folder is already trusted with everything in it.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data folder of the server (default ./palisade-data).", DefaultValueFactory = _ => "palisade-data" };
        var name = new Option<string>("--name") { Description = "What the key is for (shown in the audit log).", Required = true };
        var role = new Option<string>("--role") { Description = $"The key's role: {string.Join(", ", Roles.All)}.", Required = true };
        var days = new Option<int?>("--expires-days") { Description = "Days until the key stops working (default: never)." };
        var filter = new Option<string?>("--device-filter") { Description = "Limit the key to devices matching this filter, e.g. 'tag = \"region-north\"'." };
        var create = new Command("create", "Mint an API key; it is printed once and stored only as a hash.") { data, name, role, days, filter };
        create.SetAction(async (result, cancellationToken) =>
        {
            var roleName = result.GetValue(role)!;
            if (!Roles.Exists(roleName))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade keys create: unknown role '{roleName}'; use one of {string.Join(", ", Roles.All)}.[/]");
                return 2;
            }

            var now = DateTimeOffset.UtcNow;
            try
            {
                if (result.GetValue(filter) is { } f)
                {
                    FilterParser.Parse(f, now);
                }
            }
            catch (FilterException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade keys create: the device filter is not valid: {e.Message}[/]");
                return 2;
            }

            var dir = result.GetValue(data)!;
            if (!Stores.Exists(dir))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade keys create: no Palisade store in '{dir}'. Start 'palisade serve --data {dir}' once, or point --data at its folder.[/]");
                return 2;
            }

            await using var store = Stores.Open(dir);
            var actor = "cli:" + Environment.UserName;
            var (token, record) = ApiKeys.Create(result.GetValue(name)!, roleName, result.GetValue(filter), now, result.GetValue(days) is { } d ? now.AddDays(d) : null, actor);
            await store.CreateKeyAsync(record, cancellationToken);
            await store.AppendAsync(new AuditRecord(now, actor, "local", "key.create", "key:" + record.Id, $$"""{"name":{{System.Text.Json.JsonSerializer.Serialize(record.Name)}},"role":"{{roleName}}"}"""), cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Key [bold]{record.Name}[/] ({roleName}) id {record.Id}. It is shown once; store it now:");
            Console.WriteLine(token);
            return 0;
        });

        var listData = new Option<string>("--data") { Description = "The data folder of the server.", DefaultValueFactory = _ => "palisade-data" };
        var list = new Command("list", "List API keys (never their secrets).") { listData };
        list.SetAction(async (result, cancellationToken) =>
        {
            await using var store = Stores.Open(result.GetValue(listData)!);
            var table = new Table().AddColumns("id", "name", "role", "device filter", "expires", "revoked");
            foreach (var k in await store.ListKeysAsync(cancellationToken))
            {
                table.AddRow(k.Id, Markup.Escape(k.Name), k.Role, Markup.Escape(k.DeviceFilter ?? "-"), k.ExpiresAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-", k.RevokedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
            }

            AnsiConsole.Write(table);
            return 0;
        });

        return new Command("keys", "Manage API keys on the server's own machine.") { create, list };
    }
}
