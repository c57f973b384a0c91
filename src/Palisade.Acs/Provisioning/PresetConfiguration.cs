using System.Text.Json;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// One entry of a preset's <c>configurations</c>, in GenieACS's shape: <c>provision</c> (a stored provision with its
/// args), or one of the legacy types <c>value</c> (set a parameter), <c>age</c> (refresh a parameter older than some
/// seconds), <c>add_tag</c>, <c>delete_tag</c>, <c>add_object</c>, <c>delete_object</c>; and Palisade's <c>backup</c>
/// (a configuration backup once per window of the preset's schedule, which it needs; docs/files.md).
/// </summary>
/// <param name="Type">The type as written (one of <see cref="Types"/>).</param>
/// <param name="Name">The provision's name, or the parameter or object path; for a tag type, the tag.</param>
/// <param name="Value">For <c>value</c>: the value (a string, number or boolean); for <c>age</c>: the seconds.</param>
/// <param name="Object">For <c>add_object</c>/<c>delete_object</c>: which instance, as an alias filter (<c>SSID:guest</c>,
/// <c>Key:v,Key2:w</c>) or an instance number.</param>
/// <param name="Args">For <c>provision</c>: the arguments (empty when none).</param>
public sealed record PresetConfiguration(string Type, string Name, JsonElement? Value, string? Object, IReadOnlyList<JsonElement> Args)
{
    /// <summary>The configuration types accepted.</summary>
    public static readonly IReadOnlyList<string> Types = ["provision", "value", "age", "add_tag", "delete_tag", "add_object", "delete_object", "backup"];

    /// <summary>True for the legacy types, which run as generated scripts.</summary>
    public bool IsLegacy => Type != "provision";
}
