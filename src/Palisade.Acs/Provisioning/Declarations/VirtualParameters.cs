using System.Text.Json;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// <c>declare("VirtualParameters.name", …)</c>: the virtual parameter's script runs (in a fresh engine of its own) when
/// its value is older than the declared timestamp or a value is declared for it; what it declares joins the calling
/// channel's declarations, and what it returns (<c>{writable, value: [v, type]}</c>) becomes the parameter's value,
/// cached like any parameter so that filters and projections can read it. Its <c>args</c> are GenieACS's: the current
/// timestamps and values, then the declared ones; <c>TIMESTAMPS</c> and <c>VALUES</c> (and <c>values</c>) hold the
/// declared ones too.
/// </summary>
internal static class VirtualParameters
{
    public const string Root = "VirtualParameters";

    public static Func<FetchNeeds, List<ParameterNode>?> Declare(ProvisioningRun run, ChannelRound round, Declaration declaration)
    {
        var segments = declaration.Pattern.Segments;
        if (segments.Count != 2 || segments[1].Name is not { } name)
        {
            throw DeclareApi.Abort(ScriptFaultCodes.Error, "A virtual parameter is declared by its name: VirtualParameters.<name>.");
        }

        if (run.Depth > 0)
        {
            throw DeclareApi.Abort(ScriptFaultCodes.Error, "A virtual parameter's script cannot declare a virtual parameter.");
        }

        Func<FetchNeeds, List<ParameterNode>?> resolve;
        var key = Root + "." + name;
        if (!run.View.Covers(Root + "."))
        {
            // The cached values of virtual parameters are not loaded from the store yet.
            resolve = needs =>
            {
                needs.Store.Add(Root + ".");
                return null;
            };
            round.Stopped = true;
        }
        else if (!run.VirtualScripts.TryGetValue(name, out var script))
        {
            resolve = needs =>
            {
                needs.Load.Add(name);
                return null;
            };
            round.Stopped = true;
        }
        else if (script is null)
        {
            resolve = _ => [];
        }
        else
        {
            var node = run.View.Get(key);
            var wanted = declaration.Value is not null || declaration.ValueAt > (node?.ValueAt ?? 0) || node?.Value is null && declaration.ValueAt > 0;
            var ready = !wanted || Evaluate(run, round, declaration, name, script, node);
            resolve = _ => !ready ? null : run.View.Get(key) is { } n ? [n] : [];
        }

        round.Special[declaration] = resolve;
        return resolve;
    }

    // Runs the script (once per round for a given written value); false while its own data is still to come.
    private static bool Evaluate(ProvisioningRun run, ChannelRound round, Declaration declaration, string name, CompiledScript script, ParameterNode? current)
    {
        var written = declaration.Value?.Text ?? string.Empty;
        if (run.VirtualResults.TryGetValue((name, written), out var cached))
        {
            return cached is not null;
        }

        var args = Args(current, declaration);
        run.Depth++;
        ScriptRun result;
        try
        {
            result = run.Run(script, round, args.Json, Convert, engine =>
            {
                var json = engine.Global.Get("JSON");
                var parse = json.Get("parse");
                engine.Global.FastSetDataProperty("TIMESTAMPS", engine.Invoke(parse, json, [args.Timestamps]));
                var values = engine.Invoke(parse, json, [args.Values]);
                engine.Global.FastSetDataProperty("VALUES", values);
                engine.Global.FastSetDataProperty("values", values);
            }, run.Cancellation);
        }
        finally
        {
            run.Depth--;
        }

        switch (result.Status)
        {
            case ScriptRunStatus.Pending:
                round.Stopped = true;
                return false;
            case ScriptRunStatus.Faulted:
                throw new ScriptAbort(result.Fault! with { Detail = "virtual parameter " + name + (result.Fault.Detail is { } d ? " (" + d + ")" : string.Empty) });
        }

        var value = (VirtualParameterResult)result.Value!;
        run.VirtualResults[(name, written)] = value;
        run.Learn(new CachedParameter(Root + "." + name, value.Value, value.Type, value.Writable, null, null, DateTimeOffset.FromUnixTimeMilliseconds(run.NowMs)));
        return true;
    }

    private static VirtualParameterResult Convert(JsValue returned)
    {
        if (returned is not ObjectInstance result || result.Get("value") is not ObjectInstance pair || !pair.IsArray())
        {
            throw DeclareApi.Abort(ScriptFaultCodes.Error, "A virtual parameter's script must return {writable, value: [v, type]}.");
        }

        var declared = DeclareApi.ToDeclared(pair);
        var type = declared.TypeFor(null);
        var text = declared.TextFor(type);
        if (text.Length > 64 * 1024)
        {
            throw DeclareApi.Abort(ScriptFaultCodes.Result, "A virtual parameter's value may have at most 65536 characters.");
        }

        return new VirtualParameterResult(TypeConverter.ToBoolean(result.Get("writable")), text, type);
    }

    private static (string Json, string Timestamps, string Values) Args(ParameterNode? current, Declaration declaration)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteStartObject();
            if (current is not null)
            {
                w.WriteNumber("path", current.ValueAt);
                w.WriteNumber("value", current.ValueAt);
            }

            w.WriteEndObject();
            w.WriteStartObject();
            if (current?.Value is { } v)
            {
                WritePair(w, v, current.Type ?? "string");
            }

            w.WriteEndObject();
            w.WriteEndArray();
        }

        var timestamps = JsonSerializer.Serialize(new Dictionary<string, long>
        {
            ["path"] = declaration.PathAt,
            ["value"] = declaration.ValueAt,
        }.Where(p => p.Value > 0).ToDictionary());
        var values = declaration.Value is { } d ? Pair(d.Text, d.TypeFor(current?.Type)) : "{}";
        var head = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return (head[..^1] + "," + timestamps + "," + values + "]", timestamps, values);
    }

    private static string Pair(string value, string type)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WritePair(w, value, type);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WritePair(Utf8JsonWriter w, string value, string type)
    {
        w.WriteStartArray("value");
        var typed = DeclareApi.Typed(value, type);
        if (typed.IsBoolean())
        {
            w.WriteBooleanValue(typed.AsBoolean());
        }
        else if (typed.IsNumber())
        {
            w.WriteNumberValue(typed.AsNumber());
        }
        else
        {
            w.WriteStringValue(value);
        }

        w.WriteStringValue("xsd:" + type);
        w.WriteEndArray();
    }
}
