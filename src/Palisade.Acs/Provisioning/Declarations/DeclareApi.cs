using System.Globalization;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;
using Palisade.Acs.Provisioning.Scripts;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// The provisioning API inside a script's engine: <c>declare</c>, <c>clear</c>, <c>commit</c>, <c>log</c>, <c>ext</c>
/// and <c>args</c>. Only JavaScript values cross: no CLR object is handed to the script. A declaration's result is an
/// object whose <c>size</c>, <c>path</c>, <c>value</c> and iterator are read lazily: reading one whose data is not
/// fresh stops the run (<see cref="ScriptPending"/>) after its declarations so far were collected.
/// </summary>
internal static class DeclareApi
{
    // The API's functions of each engine, made once per engine and pointed at each run in turn (a pooled engine runs
    // many). They are frozen, so that a run cannot hang state on them for the next.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Engine, Binding> Bindings = [];

    public static void Install(Engine engine, ProvisioningRun run, ChannelRound round, string argsJson, Action<Engine>? extra)
    {
        var api = Bindings.GetValue(engine, e => new Binding(e));
        api.Run = run;
        api.Round = round;
        var global = engine.Global;
        global.FastSetDataProperty("declare", api.Declare);
        global.FastSetDataProperty("clear", api.Clear);
        global.FastSetDataProperty("commit", api.Commit);
        global.FastSetDataProperty("log", api.Log);
        global.FastSetDataProperty("ext", api.Ext);
        if (argsJson is "[]" or "")
        {
            // Most presets pass none: no need to bring JSON into the realm for it.
            global.FastSetDataProperty("args", new JsArray(engine, []));
        }
        else
        {
            var json = global.Get("JSON");
            global.FastSetDataProperty("args", engine.Invoke(json.Get("parse"), json, [argsJson]));
        }

        extra?.Invoke(engine);
    }

    private sealed class Binding
    {
        public Binding(Engine engine)
        {
            Engine = engine;
            Getters = [.. DeclareApi.Getters(engine).Select(g => (g.Item1, Frozen(engine, g.Item2)))];
            Iterator = Frozen(engine, DeclareApi.Iterator(engine));
            Declare = Frozen(engine, new ClrFunction(engine, "declare", (_, a) => DeclareApi.Declare(this, Run!, Round!, a), 3));
            Clear = Frozen(engine, new ClrFunction(engine, "clear", (_, a) => DeclareApi.Clear(Run!, a), 2));
            Commit = Frozen(engine, new ClrFunction(engine, "commit", (_, _) =>
            {
                Round!.Phase++;
                return JsValue.Undefined;
            }, 0));
            Log = Frozen(engine, new ClrFunction(engine, "log", (_, a) => DeclareApi.Log(Run!, Round!, a), 1));
            Ext = Frozen(engine, new ClrFunction(engine, "ext", (_, a) => Extensions.Call(engine, Run!, Round!, a), 2));
        }

        public Engine Engine { get; }

        /// <summary>The getters of every object declare() returns, by property name.</summary>
        public (string Name, ClrFunction Get)[] Getters { get; }

        /// <summary>The iterator of every object declare() returns.</summary>
        public ClrFunction Iterator { get; }

        public ProvisioningRun? Run { get; set; }

        public ChannelRound? Round { get; set; }

        public ClrFunction Declare { get; }

        public ClrFunction Clear { get; }

        public ClrFunction Commit { get; }

        public ClrFunction Log { get; }

        public ClrFunction Ext { get; }

        private static T Frozen<T>(Engine engine, T function)
            where T : ObjectInstance
        {
            var freeze = engine.Intrinsics.Object.Get("freeze");
            engine.Invoke(freeze, engine.Intrinsics.Object, [function]);
            return function;
        }
    }

    public static ScriptAbort Abort(string code, string message) => new(new ScriptFault(code, message, null));

    private static JsValue Declare(Binding api, ProvisioningRun run, ChannelRound round, JsValue[] a)
    {
        if (round.Declarations.Count >= run.Limits.MaxDeclarations)
        {
            throw Abort(ScriptFaultCodes.Result, $"The script declared more than {run.Limits.MaxDeclarations} paths in one run.");
        }

        if (a.Length == 0 || !a[0].IsString())
        {
            throw Abort(ScriptFaultCodes.Error, "declare() takes a path string first.");
        }

        var text = a[0].AsString();
        var pattern = PathPattern.Cached(text, out var error) ?? throw Abort(ScriptFaultCodes.Error, error!);

        var (pathAt, valueAt, writableAt) = Timestamps(run, a.Length > 1 ? a[1] : JsValue.Undefined);
        DeclaredValue? value = null;
        int? count = null;
        if (a.Length > 2 && a[2] is ObjectInstance values)
        {
            var v = values.Get("value");
            if (!v.IsUndefined())
            {
                value = ToDeclared(v);
            }

            var p = values.Get("path");
            if (p.IsNumber())
            {
                count = (int)Math.Clamp(p.AsNumber(), 0, 1024);
            }
        }

        round.ResultChars += text.Length + (value?.Text.Length ?? 0);
        if (round.ResultChars > run.Limits.MaxResultChars)
        {
            throw Abort(ScriptFaultCodes.Result, $"The script handed back more than {run.Limits.MaxResultChars} characters in one run.");
        }

        var declaration = new Declaration(pattern, pathAt, valueAt, writableAt, value, count, round.Phase);
        round.Declarations.Add(declaration);
        if (pattern.Root == "VirtualParameters")
        {
            var resolve = VirtualParameters.Declare(run, round, declaration);
            return Result(api, round, resolve);
        }

        return Result(api, round, needs => DeclarationResolver.Resolve(run.View, declaration, needs));
    }

    private static (long Path, long Value, long Writable) Timestamps(ProvisioningRun run, JsValue timestamps)
    {
        if (timestamps is not ObjectInstance t)
        {
            return (0, 0, 0);
        }

        return (At(t.Get("path")), At(t.Get("value")), At(t.Get("writable")));

        long At(JsValue v)
        {
            if (v.IsUndefined() || v.IsNull())
            {
                return 0;
            }

            var n = TypeConverter.ToNumber(v);
            return double.IsNaN(n) || n <= 0 ? 0 : (long)Math.Min(n, run.NowMs);
        }
    }

    /// <summary>A declared value: <c>[v, "xsd:type"]</c> or a bare value.</summary>
    public static DeclaredValue ToDeclared(JsValue v)
    {
        string? type = null;
        if (v is ObjectInstance array && array.IsArray())
        {
            var t = array.Get(1);
            type = t.IsString() ? DeclaredValue.StripPrefix(t.AsString()) : null;
            v = array.Get(0);
        }

        if (v.IsBoolean())
        {
            return new DeclaredValue(v.AsBoolean() ? "true" : "false", type, "boolean");
        }

        if (v.IsNumber())
        {
            return new DeclaredValue(v.AsNumber().ToString("R", CultureInfo.InvariantCulture), type, "number");
        }

        if (v.IsDate())
        {
            return new DeclaredValue(v.AsDate().DateValue.ToString("R", CultureInfo.InvariantCulture), type ?? "dateTime", "number");
        }

        return new DeclaredValue(v.IsNull() || v.IsUndefined() ? string.Empty : TypeConverter.ToString(v), type, "string");
    }

    // The object declare() returns: its own getters (size, path, value, writable, object) and iterator are functions
    // made once per engine that find the declaration through the object; each read resolves the declaration, or stops
    // the run when its data is not fresh.
    private static ObjectInstance Result(Binding api, ChannelRound round, Func<FetchNeeds, List<ParameterNode>?> resolve)
    {
        var result = new DeclareResult(api.Engine, new ResultState(round, resolve));
        foreach (var (name, getter) in api.Getters)
        {
            result.FastSetProperty(name, new GetSetPropertyDescriptor(getter, JsValue.Undefined, true, false));
        }

        result.FastSetProperty(GlobalSymbolRegistry.Iterator, new PropertyDescriptor(api.Iterator, PropertyFlag.NonEnumerable));
        return result;
    }

    private sealed class DeclareResult(Engine engine, ResultState state) : ObjectInstance(engine)
    {
        public ResultState State { get; } = state;
    }

    private sealed class ResultState(ChannelRound round, Func<FetchNeeds, List<ParameterNode>?> resolve)
    {
        private List<ParameterNode>? _nodes;

        public List<ParameterNode> Nodes()
        {
            round.DependsOnData = true;
            if (_nodes is null)
            {
                var needs = new FetchNeeds();
                _nodes = resolve(needs);
                if (_nodes is null)
                {
                    round.Stopped = true;
                    throw new ScriptPending();
                }
            }

            return _nodes;
        }
    }

    private static (string, ClrFunction)[] Getters(Engine engine) =>
    [
        Getter(engine, "size", nodes => nodes.Count),
        Getter(engine, "path", nodes => nodes is [var first, ..] ? first.Path : JsValue.Undefined),
        Getter(engine, "value", nodes => nodes is [var first, ..] ? ValueOf(engine, first) : JsValue.Undefined),
        Getter(engine, "writable", nodes => nodes is [{ Writable: { } w }, ..] ? w : JsValue.Undefined),
        Getter(engine, "object", nodes => nodes is [var first, ..] ? first.IsObject : JsValue.Undefined),
    ];

    private static (string, ClrFunction) Getter(Engine engine, string name, Func<List<ParameterNode>, JsValue> get) =>
        (name, new ClrFunction(engine, "get " + name, (self, _) => self is DeclareResult r ? get(r.State.Nodes()) : JsValue.Undefined, 0));

    private static ClrFunction Iterator(Engine engine) =>
        new(engine, "[Symbol.iterator]", (self, _) =>
        {
            if (self is not DeclareResult r)
            {
                throw Abort(ScriptFaultCodes.Error, "A declaration's iterator was called on another object.");
            }

            var items = r.State.Nodes().Select(n => (JsValue)Item(engine, n)).ToArray();
            var array = new JsArray(engine, items);
            return engine.Invoke(array.Get(GlobalSymbolRegistry.Iterator), array, []);
        }, 0);

    private static JsObject Item(Engine engine, ParameterNode node)
    {
        var item = new JsObject(engine);
        item.FastSetDataProperty("path", node.Path);
        item.FastSetDataProperty("value", ValueOf(engine, node));
        item.FastSetDataProperty("object", node.IsObject);
        if (node.Writable is { } w)
        {
            item.FastSetDataProperty("writable", w);
        }

        return item;
    }

    /// <summary><c>[value, "xsd:type"]</c>, typed as GenieACS types it (booleans, numbers, dateTime as milliseconds); undefined when never read.</summary>
    public static JsValue ValueOf(Engine engine, ParameterNode node)
    {
        if (node.IsObject || node.Value is null)
        {
            return JsValue.Undefined;
        }

        var type = node.Type ?? "string";
        return new JsArray(engine, [Typed(node.Value, type), "xsd:" + type]);
    }

    public static JsValue Typed(string text, string type)
    {
        switch (type)
        {
            case "boolean" when Cwmp.Values.ParameterValue.TryParseBoolean(text, out var b):
                return b;
            case "int" or "unsignedInt" or "long" or "unsignedLong" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n):
                return n;
            case "dateTime" when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d):
                return d.ToUnixTimeMilliseconds();
            default:
                return text;
        }
    }

    private static JsValue Clear(ProvisioningRun run, JsValue[] a)
    {
        if (a.Length == 0 || !a[0].IsString())
        {
            throw Abort(ScriptFaultCodes.Error, "clear() takes a path string first.");
        }

        var path = a[0].AsString();
        var star = path.IndexOf('*', StringComparison.Ordinal);
        var bracket = path.IndexOf('[', StringComparison.Ordinal);
        var cut = star < 0 ? bracket : bracket < 0 ? star : Math.Min(star, bracket);
        var prefix = cut < 0 ? path : path[..cut];
        var at = a.Length > 1 && a[1].IsNumber() ? (long)Math.Min(a[1].AsNumber(), run.NowMs) : run.NowMs;
        run.View.Clear(prefix, at);
        return JsValue.Undefined;
    }

    private static JsValue Log(ProvisioningRun run, ChannelRound round, JsValue[] a)
    {
        var line = string.Join(' ', a.Select(v => v.IsString() ? v.AsString() : TypeConverter.ToString(v)));
        round.ResultChars += line.Length;
        if (round.ResultChars > run.Limits.MaxResultChars)
        {
            throw Abort(ScriptFaultCodes.Result, $"The script handed back more than {run.Limits.MaxResultChars} characters in one run.");
        }

        if (round.Log.Count < 64)
        {
            round.Log.Add(Palisade.Cwmp.ClientText.Cut(line, 500));
        }

        return JsValue.Undefined;
    }
}
