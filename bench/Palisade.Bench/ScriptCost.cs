using System.Diagnostics;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Storage;
using Palisade.Cpe.Model;
using Spectre.Console;

namespace Palisade.Bench;

/// <summary>
/// What one run of a compiled provision costs: GenieACS's stock <c>default</c> provision and a three-parameter Wi-Fi
/// provision, each run (the thread's engine, the script, every declaration resolved, the writes planned) against a
/// TR-098 gateway whose cache is fresh, so that nothing is to fetch or write: the cost of a periodic session's
/// provisioning. Single-threaded, after a warm-up that lasts until the JIT compiles nothing more. CPU is the process's
/// over the runs (GC included, and whatever the JIT still compiled, also shown apart); wall time is elapsed time;
/// bytes allocated are the runs' own.
/// </summary>
internal static class ScriptCost
{
    public const string Default = """
        const hourly = Date.now(3600000);
        declare("InternetGatewayDevice.DeviceInfo.HardwareVersion", {path: hourly, value: hourly});
        declare("InternetGatewayDevice.DeviceInfo.SoftwareVersion", {path: hourly, value: hourly});
        declare("InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*.MACAddress", {path: hourly, value: hourly});
        declare("InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*.ExternalIPAddress", {path: hourly, value: hourly});
        declare("InternetGatewayDevice.LANDevice.*.WLANConfiguration.*.SSID", {path: hourly, value: hourly});
        declare("InternetGatewayDevice.LANDevice.*.WLANConfiguration.*.KeyPassphrase", {path: hourly, value: 1});
        declare("InternetGatewayDevice.LANDevice.*.Hosts.Host.*.HostName", {path: hourly, value: hourly});
        declare("InternetGatewayDevice.LANDevice.*.Hosts.Host.*.IPAddress", {path: hourly, value: hourly});
        declare("InternetGatewayDevice.LANDevice.*.Hosts.Host.*.MACAddress", {path: hourly, value: hourly});
        """;

    public const string Wifi = """
        const daily = Date.now(86400000);
        declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID", {value: daily}, {value: args[0]});
        declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable", {value: daily}, {value: true});
        declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Channel", {value: daily}, {value: 6});
        """;

    public static int Run(int runs, string? only)
    {
        var limits = ScriptLimits.Default;
        var sandbox = new ScriptSandbox(limits);
        var compiler = new ScriptCompiler(limits);
        var model = new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway("tr098")), new DeviceIdentity("Bench", "00D09E", "HGW", "bench-1", "HGW", "rev-A"));
        var now = DateTimeOffset.UtcNow;
        var names = model.GetNames(model.Root, false);
        var values = model.GetValues(names.Where(n => !n.IsObject).Select(n => n.Name)).ToDictionary(v => v.Name, v => v.Value);
        values["InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID"] = Cwmp.Values.ParameterValue.String("bench");
        values["InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable"] = Cwmp.Values.ParameterValue.Boolean(true);
        values["InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Channel"] = Cwmp.Values.ParameterValue.UnsignedInt(6);
        var view = new DeviceView("InternetGatewayDevice");
        foreach (var n in names)
        {
            var value = values.GetValueOrDefault(n.Name);
            view.Apply(new CachedParameter(n.Name, value?.Text, value?.TypeName, n.Writable, null, null, now), now.ToUnixTimeMilliseconds());
        }

        view.Ensure(model.Root).ListedAt = now.ToUnixTimeMilliseconds();
        view.MarkLoaded(null); // the whole tree is in the view, as after a session's full load
        var context = new SandboxContext("00D09E-HGW-bench%2D1", now);
        AnsiConsole.MarkupLineInterpolated($"TR-098 gateway view: {view.Count} nodes, all fresh");
        foreach (var (name, body, args) in new[] { ("empty", "", "[]"), ("default", Default, "[]"), ("wifi", Wifi, "[\"bench\"]") })
        {
            if (only is not null && only != name)
            {
                continue;
            }

            var script = compiler.Compile(name, body);
            var (warmRuns, warmSeconds) = WarmUp(script, name, args, runs);
            var m = Measure(name, runs, script, args);
            AnsiConsole.MarkupLineInterpolated($"{name}: {runs} runs after {warmRuns} warm-up runs ({warmSeconds:0.0} s, until the JIT compiled nothing more): {m.Cpu:0.0} µs CPU per run ({m.Cpu - (m.JitMs * 1000 / runs):0.0} without the JIT's {m.JitMs:0} ms within the runs), {m.Wall:0.0} µs wall per run, {m.Bytes:0} bytes allocated per run, {m.Gen0} gen-0 / {m.Gen2} gen-2 collections (no RPC needed: fetch and writes empty); engines built so far {sandbox.EnginesBuilt}, runs made again in a fresh engine {sandbox.FreshRuns}");
        }

        return 0;

        // Runs the script in batches until a batch of at least a second gave the JIT nothing to do (its tiering of
        // Jint's and Palisade's code runs on a background thread, and its CPU would count as the script's), at most 60 s:
        // the figures are then those of compiled code, as in a server that has run for a while.
        (int Runs, double Seconds) WarmUp(CompiledScript script, string name, string args, int count)
        {
            var batch = Math.Max(1000, count / 10);
            var total = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                var batchClock = Stopwatch.StartNew();
                var jit = System.Runtime.JitInfo.GetCompilationTime();
                var done = 0;
                while (batchClock.Elapsed < TimeSpan.FromSeconds(1))
                {
                    Measure(name, batch, script, args);
                    done += batch;
                }

                total += done;
                if (System.Runtime.JitInfo.GetCompilationTime() == jit)
                {
                    break;
                }
            }

            return (total, clock.Elapsed.TotalSeconds);
        }

        Figures Measure(string name, int count, CompiledScript script, string args)
        {
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var jit0 = System.Runtime.JitInfo.GetCompilationTime();
            var bytes0 = GC.GetAllocatedBytesForCurrentThread();
            var (gen0, gen2) = (GC.CollectionCount(0), GC.CollectionCount(2));
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var run = new ProvisioningRun(view, sandbox, context, new SessionChanges(new Acs.Devices.Device { Id = new("00D09E", "HGW", "bench-1"), RegisteredAt = now }));
                var channel = new ChannelState(name, [(script, args)], false);
                var (needs, writes) = ChannelEvaluator.Evaluate(run, channel);
                if (channel.Status == ChannelStatus.Faulted || needs is not null || writes is null || !writes.IsEmpty)
                {
                    throw new InvalidOperationException($"{name}: expected nothing to do, got {channel.Fault?.Message ?? (needs is not null ? "a fetch" : "writes")}.");
                }
            }

            var wall = clock.Elapsed.TotalMicroseconds / count;
            process.Refresh();
            return new Figures(
                (process.TotalProcessorTime - cpu0).TotalMicroseconds / count, wall, (double)(GC.GetAllocatedBytesForCurrentThread() - bytes0) / count,
                GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2, (System.Runtime.JitInfo.GetCompilationTime() - jit0).TotalMilliseconds);
        }
    }

    private readonly record struct Figures(double Cpu, double Wall, double Bytes, int Gen0, int Gen2, double JitMs);
}
