using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary>
/// <c>palisade campaigns create|list|show|pause|resume|abort|retry</c>: staged firmware campaigns over the API (URL,
/// key and CA as for <c>palisade devices</c>). Every rule is the server's; this only shapes the request and prints.
/// </summary>
internal static class CampaignsCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The campaign's name.", Required = true };
        var file = new Option<string>("--file") { Description = "The firmware file (by name in the file store; its version is the target SoftwareVersion).", Required = true };
        var filter = new Option<string?>("--filter") { Description = "Which devices, e.g. 'productClass = \"HGW\"' (default: all within the key's scope)." };
        var stages = new Option<string>("--stages") { Description = "Stages, the canary first: N% (cumulative share) or N (devices added), each with :SOAK minutes, e.g. '1%:60,10%:120,100%'.", DefaultValueFactory = _ => "1%:60,10%:60,100%" };
        var window = new Option<string?>("--window") { Description = "Maintenance window in whole hours, START-END, e.g. 1-5 or 22-4: each device's local time where it reports Time.CurrentLocalTime, UTC otherwise." };
        var concurrency = new Option<int>("--max-concurrency") { Description = "Devices in progress at once (default 100).", DefaultValueFactory = _ => 100 };
        var returnWithin = new Option<int>("--return-within") { Description = "Minutes a started device has to come back on the new version (default 30).", DefaultValueFactory = _ => 30 };
        var maxFailures = new Option<int?>("--max-failures") { Description = "Halt when more than this many devices of a stage failed." };
        var maxPercent = new Option<double?>("--max-failure-percent") { Description = "Halt when more than this share (%) of a stage's devices failed." };
        var draft = new Option<bool>("--draft") { Description = "Create it without starting it (start with 'resume')." };
        var create = new Command("create", "Create (and start) a staged firmware campaign.") { name, file, filter, stages, window, concurrency, returnWithin, maxFailures, maxPercent, draft, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        create.SetAction(async (r, ct) =>
        {
            var body = new JsonObject { ["name"] = r.GetValue(name), ["file"] = r.GetValue(file), ["filter"] = r.GetValue(filter), ["start"] = !r.GetValue(draft) };
            var (parsed, problem) = Stages(r.GetValue(stages)!);
            if (parsed is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade campaigns create: --stages {problem}; it is like '1%:60,10%:120,100%' (N% or N devices, :SOAK minutes).[/]");
                return 2;
            }

            body["stages"] = parsed;
            if (r.GetValue(window) is { } w)
            {
                var hours = w.Split('-');
                if (hours.Length != 2 || !int.TryParse(hours[0], CultureInfo.InvariantCulture, out var start) || !int.TryParse(hours[1], CultureInfo.InvariantCulture, out var end))
                {
                    AnsiConsole.MarkupLine("[red]palisade campaigns create: --window is START-END in whole hours, e.g. 1-5.[/]");
                    return 2;
                }

                body["window"] = new JsonObject { ["startHour"] = start, ["endHour"] = end };
            }

            body["maxConcurrency"] = r.GetValue(concurrency);
            body["returnWithinMinutes"] = r.GetValue(returnWithin);
            if (r.GetValue(maxPercent) is { } share && (!double.IsFinite(share) || share < 0 || share > 100))
            {
                AnsiConsole.MarkupLine("[red]palisade campaigns create: --max-failure-percent is a share from 0 to 100.[/]");
                return 2;
            }

            body["halt"] = new JsonObject { ["maxFailures"] = r.GetValue(maxFailures), ["maxFailurePercent"] = r.GetValue(maxPercent) };
            return await ApiClientCommands.CallAsync(r, HttpMethod.Post, "api/v1/campaigns", body.ToJsonString(), Print, ct);
        });

        var list = new Command("list", "List campaigns, newest first.") { ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        list.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, "api/v1/campaigns?limit=100", null, body =>
        {
            var table = new Table().AddColumns("id", "name", "file", "version", "state", "stage", "created");
            foreach (var c in body["campaigns"]!.AsArray())
            {
                table.AddRow(Markup.Escape(c!["id"]!.ToString()), Markup.Escape(c["name"]!.ToString()), Markup.Escape(c["file"]!.ToString()), Markup.Escape(c["version"]!.ToString()),
                    Markup.Escape(c["state"]!.ToString()), c["stage"]!.ToString() + "/" + c["stages"]!.AsArray().Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(c["created"]!.ToString()));
            }

            AnsiConsole.Write(table);
        }, ct));

        var id = new Argument<long>("id") { Description = "The campaign's id." };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON." };
        var show = new Command("show", "A campaign's state and progress: targeted, pending, in progress, succeeded, failed by reason, per stage.") { id, json, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
        show.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Get, $"api/v1/campaigns/{r.GetValue(id)}", null,
            body => (r.GetValue(json) ? (Action<JsonNode>)(b => Console.WriteLine(b.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }))) : Print)(body), ct));

        var command = new Command("campaigns", "Staged firmware campaigns that halt themselves (docs/files.md).") { create, list, show };
        foreach (var (verb, what) in new[] { ("pause", "Pause: nothing new starts; devices in progress finish."), ("resume", "Resume a paused, halted or draft campaign."), ("abort", "Abort: queued downloads are cancelled, devices released."), ("retry", "Put the failed devices back to pending.") })
        {
            var target = new Argument<long>("id") { Description = "The campaign's id." };
            var operation = new Command(verb, what) { target, ApiClientCommands.Url, ApiClientCommands.Key, ApiClientCommands.Ca };
            operation.SetAction(async (r, ct) => await ApiClientCommands.CallAsync(r, HttpMethod.Post, $"api/v1/campaigns/{r.GetValue(target)}/{verb}", null, Print, ct));
            command.Subcommands.Add(operation);
        }

        return command;
    }

    /// <summary>A campaign as <c>show</c> prints it.</summary>
    internal static void Print(JsonNode c)
    {
        var p = c["progress"]!;
        var stages = p["stages"]!.AsArray();
        AnsiConsole.MarkupLineInterpolated($"campaign {c["id"]} \"{c["name"]}\": {c["file"]} (version {c["version"]}), filter {c["filter"]?.ToString() ?? "(all)"}");
        AnsiConsole.MarkupLineInterpolated($"state: {c["state"]}, stage {c["stage"]} of {stages.Count}");
        if (c["haltReason"] is { } reason)
        {
            AnsiConsole.MarkupLineInterpolated($"halted because {reason}");
        }

        AnsiConsole.MarkupLineInterpolated($"targeted {p["targeted"]}, pending {p["pending"]}, in progress {p["inProgress"]}, succeeded {p["succeeded"]}, failed {p["failed"]}");
        var reasons = p["failedByReason"]!.AsObject();
        if (reasons.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"failed by reason: {string.Join(", ", reasons.Select(e => e.Key + " " + e.Value))}");
        }

        var table = new Table().AddColumns("stage", "targeted", "pending", "in progress", "succeeded", "failed");
        foreach (var s in stages)
        {
            table.AddRow(s!["stage"]!.ToString(), s["targeted"]!.ToString(), s["pending"]!.ToString(), s["inProgress"]!.ToString(), s["succeeded"]!.ToString(), s["failed"]!.ToString());
        }

        AnsiConsole.Write(table);
    }

    // "1%:60,10%:120,100%" -> [{"percent":1,"soakMinutes":60}, …], or what is wrong with it. Only numbers JSON can
    // carry and the server could take are sent: NaN, infinities, shares outside (0, 100] and negative soaks are refused
    // here (the server checks the rest of the bounds).
    private static (JsonArray? Stages, string? Problem) Stages(string text)
    {
        var stages = new JsonArray();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split(':');
            if (pieces.Length > 2)
            {
                return (null, $"'{part}' has more than one ':'");
            }

            var stage = new JsonObject();
            var size = pieces[0];
            if (size.EndsWith('%'))
            {
                if (!double.TryParse(size[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) || !double.IsFinite(percent) || percent <= 0 || percent > 100)
                {
                    return (null, $"'{size}' is not a share above 0 % and at most 100 %");
                }

                stage["percent"] = percent;
            }
            else if (int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1)
            {
                stage["count"] = count;
            }
            else
            {
                return (null, $"'{size}' is neither a share (N%) nor a whole number of devices (1 or more)");
            }

            if (pieces.Length == 2)
            {
                if (!double.TryParse(pieces[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var soak) || !double.IsFinite(soak) || soak < 0)
                {
                    return (null, $"'{pieces[1]}' is not a soak time in minutes (0 or more)");
                }

                stage["soakMinutes"] = soak;
            }

            stages.Add(stage);
        }

        return stages.Count == 0 ? (null, "names no stage") : (stages, null);
    }
}
