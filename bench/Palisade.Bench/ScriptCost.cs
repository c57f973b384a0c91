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
/// provision, each run (fresh engine, the script, every declaration resolved, the writes planned) against a TR-098
/// gateway whose cache is fresh, so that nothing is to fetch or write: the cost of a periodic session's provisioning.
/// Single-threaded; CPU is the process's (GC included) over many runs.
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

    public static int Run(int runs)
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
            var script = compiler.Compile(name, body);
            Measure(name, runs / 10, script, args);
            var (cpu, wall) = Measure(name, runs, script, args);
            AnsiConsole.MarkupLineInterpolated($"{name}: {runs} runs, {cpu:0.0} µs CPU and {wall:0.0} µs wall per run (no RPC needed: fetch and writes empty); engines built so far {sandbox.EnginesBuilt}, runs made again in a fresh engine {sandbox.FreshRuns}");
        }

        return 0;

        (double Cpu, double Wall) Measure(string name, int count, CompiledScript script, string args)
        {
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
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
            return ((process.TotalProcessorTime - cpu0).TotalMicroseconds / count, wall);
        }
    }
}
