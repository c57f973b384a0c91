using Jint;
using Jint.Native;
using Jint.Runtime.Interop;
using Palisade.Acs.Provisioning.Scripts;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>Escape attempts against the sandbox: each is refused with a typed fault, and the process carries on.</summary>
public sealed class SandboxEscapeTests
{
    private static readonly ScriptLimits Limits = new() { Timeout = TimeSpan.FromSeconds(2), SessionBudget = TimeSpan.FromSeconds(4) };
    private readonly ScriptSandbox _sandbox = new(Limits);
    private readonly ScriptCompiler _compiler = new(Limits);
    private readonly SandboxContext _context = new("000000-Box-1", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("return declare.constructor.constructor('return this')()")]
    [InlineData("return globalThis.constructor.constructor('return process')()")]
    [InlineData("return (function(){}).constructor('return 1')()")]
    [InlineData("return Function('return 1')()")]
    [InlineData("return eval('1 + 1')")]
    [InlineData("return (async function(){}).constructor('return 1')")]
    [InlineData("return (function*(){}).constructor('yield 1')")]
    public void String_compilation_is_refused(string body)
    {
        var run = Run(body);
        Assert.Equal(ScriptRunStatus.Faulted, run.Status);
        Assert.Equal(ScriptFaultCodes.Error, run.Fault!.Code);
        Assert.Contains("String compilation", run.Fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("return typeof importNamespace + typeof System + typeof require + typeof process + typeof ArrayBuffer + typeof SharedArrayBuffer")]
    public void No_host_object_is_reachable(string body)
    {
        var run = Run(body);
        Assert.Equal("undefinedundefinedundefinedundefinedundefinedundefined", run.Value);
    }

    [Fact]
    public void This_at_the_top_is_undefined_so_its_constructor_chain_goes_nowhere()
    {
        var run = Run("return this.constructor.constructor('return process')()");
        Assert.Equal(ScriptRunStatus.Faulted, run.Status);
        Assert.Equal(ScriptFaultCodes.Error, run.Fault!.Code);
    }

    [Fact]
    public void A_host_function_offers_no_way_to_the_CLR()
    {
        var run = Run("return [typeof declare.GetType, typeof declare.constructor.GetType, Object.getOwnPropertyNames(declare).sort().join()].join('|')");
        Assert.Equal("undefined|undefined|length,name", run.Value);
    }

    [Fact]
    public void Prototype_pollution_does_not_reach_the_next_run()
    {
        var first = Run("Object.prototype.admin = true; Array.prototype.push = function () { return 42; }; String.prototype.trim = () => 'x'; globalThis.leak = 1; return ({}).admin");
        Assert.Equal(true, first.Value);
        var second = Run("return [typeof ({}).admin, [].push(1), ' a '.trim(), typeof leak].join()");
        Assert.Equal("undefined,1,a,undefined", second.Value);
    }

    [Theory]
    [InlineData("while (true) {}", "script.timeout")]
    [InlineData("for (;;) { try { while (true) {} } catch (e) {} }", "script.timeout")]
    [InlineData("function f(n) { return f(n + 1) + 1; } return f(0)", "script.recursion")]
    [InlineData("const f = (n) => { try { return f(n + 1); } catch (e) { return f(n + 1); } }; return f(0)", "script.recursion")]
    [InlineData("const a = Array.from({ length: 40000 }).reduce((n) => [n], []); return JSON.stringify(a).length", "script.recursion")]
    [InlineData("return 'a'.repeat(2 ** 28).length", "script.memory")]
    [InlineData("return ''.padStart(2 ** 29, 'x').length", "script.memory")]
    [InlineData("let s = 'x'; while (true) s += s; return s.length", "script.memory")]
    [InlineData("return new Array(1e9).fill(0).length", "script.memory")]
    [InlineData("const big = 'x'.repeat(1 << 19); return new Array(50000).fill(big).join('').length", "script.memory")]
    [InlineData("const big = 'x'.repeat(1 << 19); return JSON.stringify(new Array(50000).fill(big)).length", "script.memory")]
    [InlineData("const big = 'x'.repeat(1 << 19); return ''.concat(big, big, big).length", "script.memory")]
    [InlineData("const big = 'x'.repeat(1 << 19); return big.replaceAll('x', 'yy').length", "script.memory")]
    [InlineData("let a = []; while (true) a.push('x'.repeat(1000) + a.length);", "script.memory")]
    [InlineData("return /(a+)+$/.test('a'.repeat(40) + 'b')", "script.timeout")]
    [InlineData("while (true) { 'ab'.padEnd(1); }", "script.timeout")]
    [InlineData("return new RegExp('(x+x+)+y').test('x'.repeat(5000))", "script.timeout")]
    public void A_runaway_script_ends_with_a_typed_fault(string body, string code)
    {
        var run = Run(body);
        Assert.Equal(ScriptRunStatus.Faulted, run.Status);
        Assert.Equal(code, run.Fault!.Code);

        // The process is unharmed: the next run works.
        Assert.Equal(3.0, Run("return 1 + 2").Value);
    }

    [Fact]
    public void A_host_abort_cannot_be_caught_by_the_script()
    {
        var run = _sandbox.Run(_compiler.Compile("t", "try { ext('x', 'y'); } catch (e) { return 'swallowed'; } return 'after'"), _context,
            engine => engine.SetValue("ext", new ClrFunction(engine, "ext", (_, _) => throw new ScriptAbort(new ScriptFault(ScriptFaultCodes.Ext, "ext threw", null)))),
            v => v.ToString(), CancellationToken.None);
        Assert.Equal(ScriptRunStatus.Faulted, run.Status);
        Assert.Equal(ScriptFaultCodes.Ext, run.Fault!.Code);
    }

    [Fact]
    public void A_syntax_error_is_a_script_error_and_is_compiled_once()
    {
        var a = _compiler.Compile("broken", "let x = ;");
        var b = _compiler.Compile("broken", "let x = ;");
        Assert.Same(a, b);
        Assert.Equal(ScriptFaultCodes.Error, a.Error!.Code);
        Assert.Equal(ScriptFaultCodes.Error, _sandbox.Run(a, _context, _ => { }, null, CancellationToken.None).Fault!.Code);
    }

    [Fact]
    public void Date_now_and_Math_random_are_deterministic_per_device()
    {
        const string body = "return [Date.now(), Date.now(3600000), new Date().getTime(), Math.random(), Math.random()].join()";
        var one = Run(body).Value;
        Assert.Equal(one, Run(body).Value);
        var other = _sandbox.Run(_compiler.Compile("t", body), _context with { DeviceId = "000000-Box-2" }, Install, v => v.ToString(), CancellationToken.None).Value;
        Assert.NotEqual(one, other);
        var parts = ((string)one!).Split(',');
        var now = _context.Now.ToUnixTimeMilliseconds();
        Assert.Equal(now.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[0]);
        Assert.Equal(parts[0], parts[2]);
        var hourly = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(hourly, now - 3_600_000 + 1, now);
    }

    [Fact]
    public void Date_now_with_an_interval_holds_for_the_interval_and_then_moves()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var first = new SandboxContext("dev", at).DateNow(3_600_000, null);
        var values = Enumerable.Range(0, 120).Select(m => new SandboxContext("dev", at.AddMinutes(m)).DateNow(3_600_000, null)).Distinct().ToList();
        Assert.InRange(values.Count, 2, 3);
        Assert.Equal(first, values[0]);
        Assert.Equal(3_600_000, values[1] - values[0]);
    }

    private ScriptRun Run(string body) => _sandbox.Run(_compiler.Compile("t", body), _context, Install, v => v.IsString() ? v.AsString() : v.IsBoolean() ? v.AsBoolean() : v.IsNumber() ? v.AsNumber() : v.ToString(), CancellationToken.None);

    private static void Install(Engine engine) => engine.SetValue("declare", new ClrFunction(engine, "declare", (_, _) => JsValue.Undefined));
}
