using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// What a fresh engine loses or gets bounded before a script runs. Jint bounds statements, time, memory (between
/// statements), recursion and array sizes itself; what it does not bound is a single built-in call that builds a huge
/// string at once (<c>'a'.repeat(2**28)</c>, a join of many references to one large string), and the raw-memory
/// constructors. Those are removed or wrapped here, so such a call ends the run with <c>script.memory</c> before the
/// allocation instead of taking the server's memory.
/// </summary>
internal static class SandboxHardening
{
    // Raw memory, shared memory, weak references and finalizers: nothing a provision needs, each a way around the bounds.
    private static readonly string[] RemovedGlobals =
    [
        "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "WeakRef", "FinalizationRegistry",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
        "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array", "WebAssembly",
    ];

    public static void Apply(Engine engine, ScriptLimits limits, SandboxState state)
    {
        var global = engine.Global;
        foreach (var name in RemovedGlobals)
        {
            global.Delete(name);
        }

        var max = limits.MaxStringLength;
        var stringPrototype = (ObjectInstance)global.Get("String").Get("prototype");
        Wrap(engine, stringPrototype, "repeat", (self, args) =>
            (long)Text(self).Length * Math.Max(0, Count(args, 0)) > max ? TooLong(max) : null);
        Wrap(engine, stringPrototype, "padStart", (_, args) => Count(args, 0) > max ? TooLong(max) : null);
        Wrap(engine, stringPrototype, "padEnd", (_, args) => Count(args, 0) > max ? TooLong(max) : null);
        Wrap(engine, stringPrototype, "concat", (self, args) =>
        {
            long total = Text(self).Length;
            foreach (var a in args)
            {
                total += Text(a).Length;
            }

            return total > max ? TooLong(max) : null;
        });
        Wrap(engine, stringPrototype, "replace", (self, args) => ReplaceBound(self, args, max));
        Wrap(engine, stringPrototype, "replaceAll", (self, args) => ReplaceBound(self, args, max));

        var arrayPrototype = (ObjectInstance)global.Get("Array").Get("prototype");
        Wrap(engine, arrayPrototype, "join", (self, args) => JoinBound(self, args, max));

        var json = (ObjectInstance)global.Get("JSON");
        var stringify = json.Get("stringify");
        json.FastSetDataProperty("stringify", new ClrFunction(engine, "stringify", (_, args) => Stringify(engine, stringify, args, max), 3));

        global.Get("String").AsObject().Delete("raw");

        // The symbol registry outlives a run: in a pooled engine it would keep what each run put in it.
        var symbol = global.Get("Symbol").AsObject();
        symbol.Delete("for");
        symbol.Delete("keyFor");

        // Date.now(interval, variance) and Math.random(), deterministic per device.
        var date = global.Get("Date").AsObject();
        date.FastSetDataProperty("now", new ClrFunction(engine, "now", (_, args) =>
            state.Context.DateNow(args.Length > 0 && args[0].IsNumber() ? args[0].AsNumber() : null, args.Length > 1 && args[1].IsNumber() ? args[1].AsNumber() : null), 0));
        global.Get("Math").AsObject().FastSetDataProperty("random", new ClrFunction(engine, "random", (_, _) => state.Random.NextDouble(), 0));
    }

    private static void Wrap(Engine engine, ObjectInstance target, string name, Func<JsValue, JsValue[], JsValue?> check)
    {
        var original = target.Get(name);
        target.FastSetDataProperty(name, new ClrFunction(engine, name, (self, args) => check(self, args) ?? engine.Invoke(original, self, args), 1));
    }

    private static JsValue? ReplaceBound(JsValue self, JsValue[] args, int max)
    {
        if (args.Length < 2 || !args[1].IsString())
        {
            // A function replacement: its results are strings bounded like any other; their count is bounded by the input.
            return null;
        }

        long input = Text(self).Length;
        long replacement = args[1].AsString().Length;
        return replacement > 0 && input + ((input + 1) * replacement) > max ? TooLong(max) : null;
    }

    private static JsValue? JoinBound(JsValue self, JsValue[] args, int max)
    {
        if (self is not ObjectInstance array)
        {
            return null;
        }

        var length = TypeConverter.ToNumber(array.Get("length"));
        if (!(length > 0))
        {
            return null;
        }

        long separator = args.Length > 0 && !args[0].IsUndefined() ? Text(args[0]).Length : 1;
        long total = (long)Math.Min(length, int.MaxValue) * separator;
        for (uint i = 0; i < length && total <= max; i++)
        {
            var item = array.Get(i);
            total += item.IsString() ? item.AsString().Length : item.IsObject() ? 16 : 24;
        }

        return total > max ? TooLong(max) : null;
    }

    // JSON.stringify with a replacer that counts what it lets through, so that many references to one large string
    // end the run before the output is built.
    private static JsValue Stringify(Engine engine, JsValue original, JsValue[] args, int max)
    {
        var value = args.Length > 0 ? args[0] : JsValue.Undefined;
        var userReplacer = args.Length > 1 ? args[1] : JsValue.Undefined;
        var space = args.Length > 2 ? args[2] : JsValue.Undefined;
        HashSet<string>? allowed = null;
        if (userReplacer is ObjectInstance list && !userReplacer.IsCallable() && list.IsArray())
        {
            allowed = [];
            var n = TypeConverter.ToNumber(list.Get("length"));
            for (uint i = 0; i < n && i < 10_000; i++)
            {
                allowed.Add(Text(list.Get(i)));
            }
        }

        long total = 0;
        var indent = space.IsNumber() ? Math.Clamp((int)space.AsNumber(), 0, 10) : space.IsString() ? Math.Min(space.AsString().Length, 10) : 0;
        var counting = new ClrFunction(engine, "replacer", (holder, pair) =>
        {
            var key = pair[0];
            var item = pair[1];
            if (allowed is not null && holder is ObjectInstance h && !h.IsArray() && Text(key).Length > 0 && !allowed.Contains(Text(key)))
            {
                return JsValue.Undefined;
            }

            if (userReplacer.IsCallable())
            {
                item = engine.Invoke(userReplacer, holder, [key, item]);
            }

            total += Text(key).Length + 8 + (indent * 32) + (item.IsString() ? item.AsString().Length : 8);
            return total > max ? TooLong(max) : item;
        }, 2);
        return engine.Invoke(original, JsValue.Undefined, [value, counting, space]);
    }

    private static int Count(JsValue[] args, int index)
    {
        if (args.Length <= index)
        {
            return 0;
        }

        var n = TypeConverter.ToNumber(args[index]);
        return double.IsNaN(n) ? 0 : n > int.MaxValue ? int.MaxValue : n < int.MinValue ? int.MinValue : (int)n;
    }

    private static string Text(JsValue value) => value.IsString() ? value.AsString() : value.IsNull() || value.IsUndefined() ? string.Empty : TypeConverter.ToString(value);

    private static JsValue TooLong(int max) =>
        throw new ScriptAbort(new ScriptFault(ScriptFaultCodes.Memory, $"A string of more than {max} characters was about to be built; the bound is ScriptLimits.MaxStringLength.", null));
}
