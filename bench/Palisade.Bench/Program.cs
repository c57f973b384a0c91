using System.CommandLine;
using System.Text.Json;
using Palisade.Bench;
using Palisade.Bench.Fleet;
using Palisade.Bench.Fleet.Scenarios;

// The fleet benchmark (docs/performance.md). `fleet` measures; `baseline-server` is the canned endpoint it compares with.
var devices = new Option<int>("--devices") { Description = "Fleet size (default 1000).", DefaultValueFactory = _ => 1000 };
var duration = new Option<int>("--duration") { Description = "Seconds of periodic load (default 20).", DefaultValueFactory = _ => 20 };
var parameters = new Option<int>("--parameters") { Description = "Parameters per simulated device (default: the gateway profile, ~1,200)." };
var tls = new Option<string>("--tls") { Description = "full (a new connection and full TLS handshake per session, default), resumed (a new connection resuming the TLS session) or reuse (keep the connection).", DefaultValueFactory = _ => "full" };
tls.AcceptOnlyFromAmong("full", "resumed", "reuse");
var concurrency = new Option<int>("--concurrency") { Description = "Sessions in flight in the closed loop (default 64).", DefaultValueFactory = _ => 64 };
var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the canned baseline endpoint." };
var scenario = new Option<string>("--scenario")
{
    Description = FleetScenarios.Help() + " Or both: periodic and provision in one run, each on a server of its own, their turns alternating (in place of the baseline's).",
    DefaultValueFactory = _ => FleetScenarios.All[0].Name,
};
scenario.AcceptOnlyFromAmong([.. FleetScenarios.All.Select(s => s.Name), "both"]);
var auth = new Option<string>("--auth") { Description = "digest (default: the bootstrap credential, then the device's own Digest credential) or cert (a client certificate per device, issued by the server's CA).", DefaultValueFactory = _ => "digest" };
auth.AcceptOnlyFromAmong("digest", "cert");
var tasks = new Option<int?>("--tasks") { Description = "Tasks queued for each periodic session, alternately a GetParameterValues of 50 parameters and a SetParameterValues of 5 (default 2 in the work scenario, 0 otherwise)." };
var maxSessions = new Option<int>("--max-sessions") { Description = "Server's sessions in flight before it sheds with 503 (default 100000; use e.g. 64 for a storm).", DefaultValueFactory = _ => 100_000 };
var dataDir = new Option<string?>("--data") { Description = "Serve an existing data folder (e.g. filled by store-scale) instead of a fresh one; it is kept." };
var rounds = new Option<int>("--rounds") { Description = "Turns Palisade takes within the duration, alternating with the baseline's when it runs; each turn is printed (default 3).", DefaultValueFactory = _ => 3 };
var warmUp = new Option<int>("--warmup") { Description = "Uncounted seconds each server is driven before its first turn, so that the turns measure compiled code, not the JIT's tiering (default 20, at most the duration).", DefaultValueFactory = _ => 20 };
var db = new Option<string?>("--db") { Description = "Also run palisade serve on this PostgreSQL database (postgresql://USER@HOST:PORT/DATABASE, password from PALISADE_DB_PASSWORD): the turns are SQLite's and PostgreSQL's, alternating, instead of the baseline's. bench/run-postgres.sh starts a throwaway cluster and passes it." };
var pgData = new Option<string?>("--pg-data") { Description = "The PostgreSQL cluster's data folder (postmaster.pid), to measure its CPU per session (with --db)." };
var nodes = new Option<int>("--nodes") { Description = "palisade serve nodes sharing the --db database, the fleet split evenly among them (default 1).", DefaultValueFactory = _ => 1 };
nodes.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int>() is < 1 or > 8)
    {
        r.AddError("--nodes must be between 1 and 8.");
    }
});
var json = new Option<string?>("--json") { Description = "Write the figures as JSON to this file." };
var fleet = new Command("fleet", "Start palisade serve on 127.0.0.1 with a fresh data folder, register a fleet, drive periodic informs, compare with a canned baseline.")
{
    devices, duration, parameters, tls, auth, tasks, concurrency, noBaseline, scenario, maxSessions, dataDir, rounds, warmUp, db, pgData, nodes, json,
};
fleet.Validators.Add(r =>
{
    if (r.GetValue(tasks) is < 0 or > 100)
    {
        r.AddError("--tasks must be between 0 and 100.");
    }

    if (FleetScenarios.Find(r.GetValue(scenario)) is { RefusesTasks: { } why } refusing && r.GetValue(tasks) is > 0)
    {
        r.AddError($"--tasks does not apply to the {refusing.Name} scenario ({why}).");
    }

    if (r.GetValue(scenario) == "both" && r.GetValue(tasks) is > 0)
    {
        r.AddError("--tasks does not apply to --scenario both (the two servers' sessions are compared as they are).");
    }

    if (r.GetValue(db) is { } location && !Palisade.Storage.Postgres.PostgresConnection.IsUrl(location))
    {
        r.AddError("--db must be postgresql://USER@HOST:PORT/DATABASE.");
    }

    // Here an option not given reads as null or 0, not as its default (periodic, 1 node).
    if (r.GetValue(db) is not null && r.GetValue(scenario) is { } named && named is not ("periodic" or "work"))
    {
        r.AddError("--db compares periodic sessions (the periodic and work scenarios).");
    }

    if (r.GetValue(db) is null && (r.GetValue(pgData) is not null || r.GetValue(nodes) > 1))
    {
        r.AddError("--pg-data and --nodes need --db.");
    }
});
fleet.SetAction(async (r, ct) =>
{
    var both = r.GetValue(scenario) == "both";
    var chosen = FleetScenarios.Find(both ? "periodic" : r.GetValue(scenario))!;
    var settings = new FleetSettings
    {
        Devices = r.GetValue(devices),
        DurationSeconds = r.GetValue(duration),
        Parameters = r.GetValue(parameters) is > 0 and var p ? p : chosen.DefaultParameters,
        Tls = r.GetValue(tls)!,
        Auth = r.GetValue(auth)!,
        TasksPerSession = r.GetValue(tasks) ?? chosen.DefaultTasksPerSession,
        Concurrency = r.GetValue(concurrency),
        Baseline = !r.GetValue(noBaseline) && r.GetValue(db) is null && !both,
        Scenario = chosen.Name,
        Paired = both ? "provision" : null,
        MaxSessions = r.GetValue(maxSessions),
        DataDirectory = r.GetValue(dataDir),
        Rounds = r.GetValue(rounds),
        WarmUpSeconds = r.GetValue(warmUp),
        Db = r.GetValue(db),
        PostgresData = r.GetValue(pgData),
        Nodes = r.GetValue(nodes),
    };
    var report = await FleetBenchmark.RunAsync(settings, ct);
    FleetReportTable.Print(report);
    if (r.GetValue(json) is { } path)
    {
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, ReportJson.Default.FleetReport), ct);
    }

    return report.ErrorsByKind.Count == 0 && report.BaselineErrorsByKind.Count == 0 && report.Postgres?.ErrorsByKind.Count is null or 0 && report.Pair?.ErrorsByKind.Count is null or 0 ? 0 : 1;
});

var cert = new Option<string>("--cert") { Required = true };
var key = new Option<string>("--key") { Required = true };
var clientCa = new Option<string>("--client-ca") { Required = true };
var baseline = new Command("baseline-server", "The canned baseline endpoint (started by fleet).") { cert, key, clientCa };
baseline.SetAction((r, ct) => BaselineServer.RunAsync(r.GetValue(cert)!, r.GetValue(key)!, r.GetValue(clientCa)!, ct));

var scaleDevices = new Option<int>("--devices") { Description = "Devices to register (default 100000).", DefaultValueFactory = _ => 100_000 };
var scaleParameters = new Option<int>("--parameters") { Description = "Cached parameters per device (default 200).", DefaultValueFactory = _ => 200 };
var keep = new Option<string?>("--data") { Description = "Keep the filled store in this folder (default: a temporary folder, deleted)." };
var scale = new Command("store-scale", "Fill the embedded store with N devices of P parameters through the ACS's own session commit; report size per device and per parameter.") { scaleDevices, scaleParameters, keep };
scale.SetAction((r, ct) => StoreScale.RunAsync(r.GetValue(scaleDevices), r.GetValue(scaleParameters), r.GetValue(keep), ct));

var trace = new Option<string>("--trace") { Description = "A trace from dotnet-trace collect -p PID --profile gc-verbose.", Required = true };
var top = new Option<int>("--top") { Description = "Rows per table (default 25).", DefaultValueFactory = _ => 25 };
var depth = new Option<int>("--depth") { Description = "Frames kept per stack (default 5).", DefaultValueFactory = _ => 5 };
var allocations = new Command("allocations", "Sum a gc-verbose trace's allocation ticks by type, by Palisade method and by stack.") { trace, top, depth };
allocations.SetAction(r => AllocationReport.Run(r.GetValue(trace)!, r.GetValue(top), r.GetValue(depth)));

var scriptRuns = new Option<int>("--runs") { Description = "Runs of each script (default 20000).", DefaultValueFactory = _ => 20_000 };
var scriptOnly = new Option<string?>("--script") { Description = "Measure only this script: empty, default or wifi (default: all three)." };
scriptOnly.AcceptOnlyFromAmong("empty", "default", "wifi");
var scriptCost = new Command("script-cost", "The cost of one run of a compiled provision (an empty one, GenieACS's stock default, a three-parameter Wi-Fi one) against a fresh TR-098 cache, after a warm-up that lasts until the JIT compiles nothing more: CPU per run with and without the JIT's own compilation, wall time, bytes allocated.") { scriptRuns, scriptOnly };
scriptCost.SetAction(r => ScriptCost.Run(r.GetValue(scriptRuns), r.GetValue(scriptOnly)));

var campaignDevices = new Option<int>("--devices") { Description = "Simulated devices (default 10000).", DefaultValueFactory = _ => 10_000 };
var campaignFile = new Option<int>("--file-kib") { Description = "Firmware size in KiB (default 256).", DefaultValueFactory = _ => 256 };
var campaignSoak = new Option<double>("--soak") { Description = "Soak of the 1 % and 10 % stages, seconds (default 5).", DefaultValueFactory = _ => 5 };
var campaignConcurrency = new Option<int>("--max-concurrency") { Description = "Devices in progress at once (default 200).", DefaultValueFactory = _ => 200 };
var failureShare = new Option<double>("--failure-share") { Description = "Share of devices (0–1) that refuse the image (bad signature, 9018), e.g. 0.05 (default 0).", DefaultValueFactory = _ => 0 };
var haltPercent = new Option<double>("--halt-percent") { Description = "Halt when more than this % of a stage fails (default 2).", DefaultValueFactory = _ => 2 };
var campaignPeriodic = new Option<int>("--periodic") { Description = "Seconds between each device's periodic informs, when started devices take their download (default 30).", DefaultValueFactory = _ => 30 };
var campaign = new Command("campaign", "A staged firmware campaign (1 %, 10 %, 100 %) over a simulated fleet against palisade serve on 127.0.0.1: time to completion, file-server MB/s, server CPU per download; with --failure-share, where it halts.")
{
    campaignDevices, campaignFile, campaignSoak, campaignConcurrency, failureShare, haltPercent, campaignPeriodic,
};
campaign.SetAction((r, ct) => Palisade.Bench.Campaign.CampaignBenchmark.RunAsync(r.GetValue(campaignDevices), r.GetValue(campaignFile), r.GetValue(campaignSoak), r.GetValue(campaignConcurrency), r.GetValue(failureShare), r.GetValue(haltPercent), r.GetValue(campaignPeriodic), ct));

var pgScaleDb = new Option<string>("--db") { Description = "postgresql://USER@HOST:PORT/DATABASE: an empty database of a user that may create databases (a superuser seeds faster); the small population goes into DATABASE_small. bench/run-postgres.sh passes a throwaway cluster's.", Required = true };
var pgScaleData = new Option<string?>("--pg-data") { Description = "The cluster's data folder (postmaster.pid), to measure its CPU per session." };
var pgScaleDevices = new Option<int>("--devices") { Description = "The large population (default 1000000).", DefaultValueFactory = _ => 1_000_000 };
var pgScaleParameters = new Option<int>("--parameters") { Description = "Cached parameters per device (default 200).", DefaultValueFactory = _ => 200 };
var pgScaleSmall = new Option<int>("--small") { Description = "The small population (default 10000).", DefaultValueFactory = _ => 10_000 };
var pgScaleDuration = new Option<int>("--duration") { Description = "Seconds of sessions per population, split into the turns (default 40).", DefaultValueFactory = _ => 40 };
var pgScaleRounds = new Option<int>("--rounds") { Description = "Turns each population takes, alternating (default 2).", DefaultValueFactory = _ => 2 };
var pgScaleConcurrency = new Option<int>("--concurrency") { Description = "Sessions in flight (default 16).", DefaultValueFactory = _ => 16 };
var pgScaleReuse = new Option<bool>("--reuse") { Description = "Measure again a seed that an earlier run left in the databases (same --devices, --small and --parameters; see PG_BENCH_KEEP in bench/run-postgres.sh) instead of refusing a database that is not empty." };
var pgScaleKeys = new Option<string?>("--keys") { Description = "A folder for the store's key file, kept afterwards (default: a temporary folder, removed). A later --reuse of the same databases needs the same folder." };
var pgScaleWarmup = new Option<int>("--warmup") { Description = "Uncounted seconds of sessions per population before the turns (default 5; give 30 or more after a restart of a cluster kept with a large seed, whose cache is cold).", DefaultValueFactory = _ => 5 };
var pgScaleEvents = new Option<int>("--events") { Description = "Events in each seeded device's history (default 100, what the store keeps per device: a device that has informed a hundred times, most of a fleet after a few months). Given to a reused seed with fewer, they are added.", DefaultValueFactory = _ => Palisade.Acs.Devices.DeviceEvent.MaxPerDevice };
var pgScale = new Command("pg-scale", "Seed a PostgreSQL store with N devices × P parameters and one of a small population; report bytes per cached parameter and periodic sessions/s of random devices (the store calls of a session) at both sizes, in turns.")
{
    pgScaleDb, pgScaleData, pgScaleDevices, pgScaleParameters, pgScaleSmall, pgScaleDuration, pgScaleRounds, pgScaleConcurrency, pgScaleReuse, pgScaleKeys, pgScaleWarmup, pgScaleEvents,
};
pgScale.Validators.Add(r =>
{
    if (r.GetValue(pgScaleDb) is { } location && !Palisade.Storage.Postgres.PostgresConnection.IsUrl(location))
    {
        r.AddError("--db must be postgresql://USER@HOST:PORT/DATABASE.");
    }

    // Not given, an option reads 0 here (its default applies later).
    if (r.GetValue(pgScaleDevices) is < 0 or > 99_999_999 || r.GetValue(pgScaleSmall) is < 0 or > 99_999_999 || r.GetValue(pgScaleParameters) is < 0 or > 10_000)
    {
        r.AddError("--devices and --small must be between 1 and 99,999,999, --parameters between 1 and 10,000.");
    }

    if (r.GetValue(pgScaleEvents) is < 0 or > Palisade.Acs.Devices.DeviceEvent.MaxPerDevice)
    {
        r.AddError($"--events must be between 0 and {Palisade.Acs.Devices.DeviceEvent.MaxPerDevice} (what the store keeps per device).");
    }
});
pgScale.SetAction((r, ct) => Palisade.Bench.Postgres.PostgresScale.RunAsync(new(r.GetValue(pgScaleDb)!, r.GetValue(pgScaleData), Math.Max(1, r.GetValue(pgScaleDevices)),
    Math.Max(1, r.GetValue(pgScaleParameters)), Math.Max(1, r.GetValue(pgScaleSmall)), Math.Max(1, r.GetValue(pgScaleDuration)), Math.Max(1, r.GetValue(pgScaleRounds)), Math.Max(1, r.GetValue(pgScaleConcurrency)), r.GetValue(pgScaleReuse), r.GetValue(pgScaleKeys), Math.Clamp(r.GetValue(pgScaleWarmup), 0, 3600), r.GetValue(pgScaleEvents)), ct));

return await new RootCommand("Palisade benchmarks.") { fleet, baseline, scale, allocations, scriptCost, campaign, pgScale }.Parse(args).InvokeAsync();
