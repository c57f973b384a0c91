using Palisade.Acs.Provisioning;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>
/// Runs share an engine per thread: nothing one device's run leaves in it reaches another device's run, the bounds
/// hold for every run, and a script that changes a built-in still runs as it would alone.
/// </summary>
public sealed class PooledEngineTests
{
    private static readonly ScriptLimits Limits = new() { Timeout = TimeSpan.FromSeconds(2), SessionBudget = TimeSpan.FromSeconds(10) };
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ScriptSandbox _sandbox = new(Limits);
    private readonly ScriptCompiler _compiler = new(Limits);

    // Every place a script might leave something for the next run: globals, built-ins and their prototypes, hidden
    // intrinsics, the API's own functions, the symbol registry, RegExp statics, queued jobs, the random sequence.
    private const string Polluter = """
        globalThis.leak = 'A';
        const attempts = [
          () => { Object.prototype.admin = 'A'; },
          () => { Array.prototype.push = function () { return 42; }; },
          () => { String.prototype.trim = () => 'A'; },
          () => { declare.marker = 'A'; },
          () => { Object.getPrototypeOf(function* () {}).marker = 'A'; },
          () => { Object.getPrototypeOf([][Symbol.iterator]()).marker = 'A'; },
          () => { Math.marker = 'A'; },
          () => { JSON.parse = () => 'A'; },
          () => { Object.defineProperty(Date, 'marker', { value: 'A' }); },
          () => { Object.setPrototypeOf(Object.prototype, { marker: 'A' }); },
          () => { Symbol.for('marker-A'); },
        ];
        let refused = 0;
        for (const attempt of attempts) {
          try { attempt(); } catch (e) { refused++; }
        }
        /(secret-A)/.exec('secret-A');
        Promise.resolve().then(() => { globalThis.late = 'A'; });
        Math.random();
        log('refused ' + refused);
        """;

    private const string Observer = """
        const seen = [typeof leak, typeof ({}).admin, [].push(1), ' b '.trim(), typeof declare.marker,
          typeof Object.getPrototypeOf(function* () {}).marker, typeof Object.getPrototypeOf([][Symbol.iterator]()).marker,
          typeof Math.marker, JSON.parse('1'), typeof Date.marker, typeof ({}).marker, typeof late, String(RegExp.$1),
          typeof Symbol.for, Math.random()];
        log(seen.join());
        """;

    [Fact]
    public void Nothing_one_devices_run_leaves_in_the_shared_engine_reaches_the_next_devices_run()
    {
        var alone = Run("000000-Box-B", Observer);
        var polluter = Run("000000-Box-A", Polluter);
        var after = Run("000000-Box-B", Observer);

        // Every attempt on a built-in was refused (they are frozen) and the run itself completed in the shared engine.
        Assert.Equal("refused 11", Assert.Single(polluter.Log));
        Assert.Equal(ChannelStatus.Active, polluter.Status);
        Assert.Equal(1, _sandbox.EnginesBuilt);
        Assert.Equal(0, _sandbox.FreshRuns);

        // The next device sees exactly what it sees in an engine nobody used before.
        var line = Assert.Single(after.Log);
        Assert.Equal(Assert.Single(alone.Log), line);
        Assert.StartsWith("undefined,undefined,1,b,undefined,undefined,undefined,undefined,1,undefined,undefined,undefined,,undefined,", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_that_changes_a_built_in_runs_again_in_a_fresh_engine_with_the_result_it_would_have_alone()
    {
        var channel = Run("000000-Box-A", """
            Array.prototype.last = function () { return this[this.length - 1]; };
            declare("Tags.seen", null, {value: true});
            log([1, 2, 3].last());
            """);
        Assert.Equal(ChannelStatus.Active, channel.Status);
        Assert.Equal(["3"], channel.Log);
        Assert.Equal(1, _sandbox.FreshRuns);

        // The declaration was recorded once, not once per attempt.
        Assert.Single(channel.Reusable!.Declarations);
        var next = Run("000000-Box-B", "log(typeof [].last);");
        Assert.Equal(["undefined"], next.Log);
    }

    [Fact]
    public void A_script_that_uses_the_API_wrongly_faults_once_and_is_not_run_again_in_a_fresh_engine()
    {
        // The API refuses the declaration itself: the engine has nothing to do with it, so a second run would only repeat it.
        var channel = Run("000000-Box-A", """declare("VirtualParameters.a.b", {value: 1});""");

        Assert.Equal(ChannelStatus.Faulted, channel.Status);
        Assert.Equal(ScriptFaultCodes.Error, channel.Fault!.Code);
        Assert.Contains("declared by its name", channel.Fault.Message, StringComparison.Ordinal);
        Assert.Equal(0, _sandbox.FreshRuns);
    }

    [Fact]
    public void Every_run_in_the_shared_engine_gets_the_whole_statement_budget()
    {
        // 45,000 statements is under the bound of 50,000: each run must succeed however many came before it.
        for (var i = 0; i < 3; i++)
        {
            var channel = Run("000000-Box-A", "let n = 0; for (let i = 0; i < 15000; i++) { n++; } log(String(n));");
            Assert.Equal(["15000"], channel.Log);
        }

        var runaway = Run("000000-Box-A", "for (;;) {}");
        Assert.Equal(ScriptFaultCodes.Timeout, runaway.Fault!.Code);
        Assert.Equal(["ok"], Run("000000-Box-A", "log('ok');").Log);
    }

    private ChannelState Run(string device, string body)
    {
        var view = new DeviceView("Device");
        view.Ensure("Device.").ListedAt = Now.ToUnixTimeMilliseconds();
        view.Ensure("Tags.").ListedAt = long.MaxValue / 2;
        var run = new ProvisioningRun(view, _sandbox, new SandboxContext(device, Now), new SessionChanges(new Acs.Devices.Device { Id = new("000000", "Box", device), RegisteredAt = Now }));
        var channel = new ChannelState("default", [(_compiler.Compile("t", body), "[]")], false);
        ChannelEvaluator.Evaluate(run, channel);
        return channel;
    }
}
