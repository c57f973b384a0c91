using System.Text.Json;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// The legacy configuration types of a preset as provision calls: each runs one of a few fixed scripts with its data in
/// <c>args</c>, so the scripts are compiled once for the whole fleet.
/// <list type="bullet">
/// <item><c>value</c>: <c>declare(path, {value: 1}, {value: v})</c> — set when the cached value differs (read first if never read).</item>
/// <item><c>age</c>: <c>declare(path, {value: Date.now() - seconds * 1000})</c> — refresh when older.</item>
/// <item><c>add_tag</c>/<c>delete_tag</c>: <c>declare("Tags.X", null, {value: true|false})</c>.</item>
/// <item><c>add_object</c>: <c>declare("P.[K:v]", {path: 1}, {path: 1})</c> — create the instance unless one matches.</item>
/// <item><c>delete_object</c>: <c>declare("P.[K:v]" or "P.3", {path: 1}, {path: 0})</c> — delete what matches.</item>
/// </list>
/// </summary>
internal static class LegacyConfigurations
{
    private static readonly ScriptSource Value = ScriptSource.Of("builtin:value", "declare(args[0], {value: 1}, {value: args[1]});");
    private static readonly ScriptSource Age = ScriptSource.Of("builtin:age", "declare(args[0], {value: Date.now() - Number(args[1]) * 1000});");
    private static readonly ScriptSource Tag = ScriptSource.Of("builtin:tag", "declare(\"Tags.\" + args[0], null, {value: args[1]});");
    private static readonly ScriptSource Instances = ScriptSource.Of("builtin:instances", "declare(args[0] + \".\" + args[1], {path: 1}, {path: args[2]});");

    /// <summary>The call that runs <paramref name="c"/> of <paramref name="preset"/>.</summary>
    public static ProvisionCall Call(Preset preset, PresetConfiguration c)
    {
        var (script, args) = c.Type switch
        {
            "value" => (Value, new object?[] { c.Name, c.Value }),
            "age" => (Age, [c.Name, c.Value]),
            "add_tag" => (Tag, [c.Name, true]),
            "delete_tag" => (Tag, [c.Name, false]),
            "add_object" => (Instances, [c.Name, Selector(c.Object!), 1]),
            "delete_object" => (Instances, [c.Name, Selector(c.Object!), 0]),
            _ => throw new ArgumentException($"'{c.Type}' is not a legacy configuration type.", nameof(c)),
        };
        return new ProvisionCall(preset.Channel, preset.Name, script.Name, [.. args.Select(a => JsonSerializer.SerializeToElement(a))], script);
    }

    private static string Selector(string instance) => InstanceSelector.IsNumber(instance) ? instance : "[" + instance + "]";
}
