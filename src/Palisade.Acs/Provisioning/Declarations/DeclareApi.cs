using System.Globalization;
using Jint;
using Jint.Native;
using Jint.Native.Object;
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
    public static void Install(Engine engine, ProvisioningRun run, ChannelRound round, string argsJson, Action<Engine>? extra)
    {
        var global = engine.Global;
        global.FastSetDataProperty("declare", new ClrFunction(engine, "declare", (_, a) => Declare(engine, run, round, a), 3));
        global.FastSetDataProperty("clear", new ClrFunction(engine, "clear", (_, a) => Clear(run, a), 2));
        global.FastSetDataProperty("commit", new ClrFunction(engine, "commit", (_, _) =>
        {
            round.Phase++;
            return JsValue.Undefined;
        }, 0));
        global.FastSetDataProperty("log", new ClrFunction(engine, "log", (_, a) => Log(run, round, a), 1));
        global.FastSetDataProperty("ext", new ClrFunction(engine, "ext", (_, a) => Extensions.Call(engine, run, round, a), 2));
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

    public static ScriptAbort Abort(string code, string message) => new(new ScriptFault(code, message, null));

    private static JsValue Declare(Engine engine, ProvisioningRun run, ChannelRound round, JsValue[] a)
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
        if (!run.Patterns.TryGetValue(text, out var pattern))
        {
            pattern = PathPattern.TryParse(text, out var error) ?? throw Abort(ScriptFaultCodes.Error, error!);
            run.Patterns[text] = pattern;
        }

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
            return Result(engine, round, resolve);
        }

        return Result(engine, round, needs => DeclarationResolver.Resolve(run.View, declaration, needs));
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

    // The object declare() returns; each read resolves the declaration, or stops the run when its data is not fresh.
    private static ObjectInstance Result(Engine engine, ChannelRound round, Func<FetchNeeds, List<ParameterNode>?> resolve)
    {
        List<ParameterNode>? nodes = null;
        List<ParameterNode> Nodes()
        {
            round.DependsOnData = true;
            if (nodes is null)
            {
                var needs = new FetchNeeds();
                nodes = resolve(needs);
                if (nodes is null)
                {
                    round.Stopped = true;
                    throw new ScriptPending();
                }
            }

            return nodes;
        }

        var result = new JsObject(engine);
        Getter(engine, result, "size", () => Nodes().Count);
        Getter(engine, result, "path", () => Nodes() is [var first, ..] ? first.Path : JsValue.Undefined);
        Getter(engine, result, "value", () => Nodes() is [var first, ..] ? ValueOf(engine, first) : JsValue.Undefined);
        Getter(engine, result, "writable", () => Nodes() is [{ Writable: { } w }, ..] ? w : JsValue.Undefined);
        Getter(engine, result, "object", () => Nodes() is [var first, ..] ? first.IsObject : JsValue.Undefined);
        var iterator = engine.Global.Get("Symbol").Get("iterator");
        result.FastSetProperty(iterator, new PropertyDescriptor(new ClrFunction(engine, "[Symbol.iterator]", (_, _) =>
        {
            var items = Nodes().Select(n => (JsValue)Item(engine, n)).ToArray();
            var array = new JsArray(engine, items);
            return engine.Invoke(array.Get(iterator), array, []);
        }, 0), PropertyFlag.NonEnumerable));
        return result;
    }

    private static void Getter(Engine engine, ObjectInstance target, string name, Func<JsValue> get) =>
        target.FastSetProperty(name, new GetSetPropertyDescriptor(new ClrFunction(engine, "get " + name, (_, _) => get(), 0), JsValue.Undefined, true, false));

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
            round.Log.Add(line.Length > 500 ? line[..500] : line);
        }

        return JsValue.Undefined;
    }
}
