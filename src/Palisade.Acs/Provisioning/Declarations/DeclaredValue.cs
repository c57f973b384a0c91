using System.Globalization;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>A value a script declared, taken out of its engine: the text the CPE gets, the xsd type it named (if any), and the JavaScript kind it had (to infer a type).</summary>
/// <param name="Text">The value as text (booleans <c>true</c>/<c>false</c>, numbers invariant).</param>
/// <param name="Type">The type the script gave (<c>[v, "xsd:string"]</c>), without prefix, or null.</param>
/// <param name="Kind">What the script passed: <c>boolean</c>, <c>number</c> or <c>string</c>.</param>
internal sealed record DeclaredValue(string Text, string? Type, string Kind)
{
    /// <summary>The type to send: the declared one, else the parameter's known one, else inferred from the kind.</summary>
    public string TypeFor(string? known) => Type ?? known ?? Kind switch
    {
        "boolean" => "boolean",
        "number" => Text.Contains('.', StringComparison.Ordinal) || Text.Contains('e', StringComparison.OrdinalIgnoreCase) ? "string" : "int",
        _ => "string",
    };

    /// <summary>The text in the form <paramref name="type"/> takes (a boolean <c>1</c> stays <c>true</c>, a dateTime number becomes ISO 8601).</summary>
    public string TextFor(string type)
    {
        if (type == "dateTime" && Kind == "number" && double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)ms).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        return Text;
    }

    /// <summary>True when the CPE's <paramref name="current"/> text already is this value (booleans and numbers compared by meaning).</summary>
    public bool SameAs(string? current, string type)
    {
        if (current is null)
        {
            return false;
        }

        var mine = TextFor(type);
        if (string.Equals(current, mine, StringComparison.Ordinal))
        {
            return true;
        }

        if (type == "boolean")
        {
            return Cwmp.Values.ParameterValue.TryParseBoolean(current, out var a) && Cwmp.Values.ParameterValue.TryParseBoolean(mine, out var b) && a == b;
        }

        return type is "int" or "unsignedInt" or "long" or "unsignedLong"
            && decimal.TryParse(current, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && decimal.TryParse(mine, NumberStyles.Float, CultureInfo.InvariantCulture, out var y) && x == y;
    }

    public static string StripPrefix(string type) => type.StartsWith("xsd:", StringComparison.Ordinal) ? type[4..] : type;
}
