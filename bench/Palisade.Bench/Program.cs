using System.CommandLine;
using System.Text.Json;
using Palisade.Bench;

// The fleet benchmark (docs/performance.md). `fleet` measures; `baseline-server` is the canned endpoint it compares with.
var devices = new Option<int>("--devices") { Description = "Fleet size (default 1000).", DefaultValueFactory = _ => 1000 };
var duration = new Option<int>("--duration") { Description = "Seconds of periodic load (default 20).", DefaultValueFactory = _ => 20 };
var parameters = new Option<int>("--parameters") { Description = "Parameters per simulated device (default: the gateway profile, ~1,200)." };
var tls = new Option<string>("--tls") { Description = "full (a new TLS handshake per session, default) or reuse (keep the connection).", DefaultValueFactory = _ => "full" };
var concurrency = new Option<int>("--concurrency") { Description = "Sessions in flight in the closed loop (default 64).", DefaultValueFactory = _ => 64 };
var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the canned baseline endpoint." };
var json = new Option<string?>("--json") { Description = "Write the figures as JSON to this file." };
var fleet = new Command("fleet", "Start palisade serve on 127.0.0.1 with a fresh data folder, register a fleet, drive periodic informs, compare with a canned baseline.")
{
    devices, duration, parameters, tls, concurrency, noBaseline, json,
};
fleet.SetAction(async (r, ct) =>
{
    var settings = new FleetSettings
    {
        Devices = r.GetValue(devices),
        DurationSeconds = r.GetValue(duration),
        Parameters = r.GetValue(parameters),
        FullHandshakes = r.GetValue(tls) != "reuse",
        Concurrency = r.GetValue(concurrency),
        Baseline = !r.GetValue(noBaseline),
    };
    var report = await FleetBenchmark.RunAsync(settings, ct);
    FleetBenchmark.Print(report);
    if (r.GetValue(json) is { } path)
    {
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, ReportJson.Default.FleetReport), ct);
    }

    return report.ErrorsByKind.Count == 0 ? 0 : 1;
});

var cert = new Option<string>("--cert") { Required = true };
var key = new Option<string>("--key") { Required = true };
var baseline = new Command("baseline-server", "The canned baseline endpoint (started by fleet).") { cert, key };
baseline.SetAction((r, ct) => BaselineServer.RunAsync(r.GetValue(cert)!, r.GetValue(key)!, ct));

return await new RootCommand("Palisade benchmarks.") { fleet, baseline }.Parse(args).InvokeAsync();
