using System.Text.Json;
using Jint;
using Jint.Native;
using Palisade.Acs.Provisioning.Scripts;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// <c>ext(name, function, args…)</c> inside a run. The call never blocks the engine: the first time a run makes it, the
/// run stops (like a read of data still to come), the session step calls the operator's HTTPS endpoint between rounds,
/// and the next run finds the answer in the session's cache. The same call in the same session is made once.
/// </summary>
internal static class Extensions
{
    public static JsValue Call(Engine engine, ProvisioningRun run, ChannelRound round, JsValue[] a)
    {
        if (a.Length < 2 || !a[0].IsString() || !a[1].IsString())
        {
            throw DeclareApi.Abort(ScriptFaultCodes.Ext, "ext() takes an extension name and a function name, then the arguments.");
        }

        round.DependsOnData = true;
        var json = engine.Global.Get("JSON");
        var arguments = engine.Invoke(json.Get("stringify"), json, [new Jint.Native.JsArray(engine, a[2..])]);
        var argsJson = arguments.IsString() ? arguments.AsString() : "[]";
        if (argsJson.Length > 16 * 1024)
        {
            throw DeclareApi.Abort(ScriptFaultCodes.Ext, "ext() arguments may have at most 16384 characters of JSON.");
        }

        var call = new ExtCall(a[0].AsString(), a[1].AsString(), argsJson);
        var key = JsonSerializer.Serialize(new[] { call.Name, call.Function, call.ArgumentsJson });
        if (run.ExtCache.TryGetValue(key, out var answer))
        {
            return engine.Invoke(json.Get("parse"), json, [answer]);
        }

        round.PendingExt[key] = call;
        round.Stopped = true;
        throw new ScriptPending();
    }
}
