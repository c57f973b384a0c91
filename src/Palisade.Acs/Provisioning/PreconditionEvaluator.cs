using System.Globalization;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Evaluates a parsed filter against one device in memory, as the stores evaluate it in their queries: a parameter
/// comparison holds only when the parameter has a value, a number on the right compares numerically, <c>LIKE</c>
/// takes <c>%</c> and <c>_</c> with <c>\</c> escaping and ignores ASCII case, <c>IS NULL</c> also holds for an empty value.
/// Event windows (<c>SINCE</c>/<c>UNTIL</c>) need the event history and are refused when a preset is written.
/// </summary>
internal static class PreconditionEvaluator
{
    public static bool Matches(Filter filter, PresetContext context) => filter switch
    {
        AndFilter and => Matches(and.Left, context) && Matches(and.Right, context),
        OrFilter or => Matches(or.Left, context) || Matches(or.Right, context),
        NotFilter not => !Matches(not.Inner, context),
        Comparison c => Compare(c, context),
        _ => false,
    };

    /// <summary>Why a filter cannot be evaluated for a preset, or null when it can.</summary>
    public static string? Unsupported(Filter filter) => filter switch
    {
        AndFilter and => Unsupported(and.Left) ?? Unsupported(and.Right),
        OrFilter or => Unsupported(or.Left) ?? Unsupported(or.Right),
        NotFilter not => Unsupported(not.Inner),
        Comparison { Kind: FieldKind.Parameter } c when c.Field.StartsWith("VirtualParameters.", StringComparison.Ordinal) =>
            "a precondition cannot look at virtual parameters (they are computed by scripts during the session)",
        Comparison { Kind: FieldKind.Event, HasWindow: true } => "an event window (SINCE/UNTIL) looks at the event history, which a precondition does not see; use the preset's events instead",
        _ => null,
    };

    private static bool Compare(Comparison c, PresetContext context)
    {
        switch (c.Kind)
        {
            case FieldKind.Parameter:
                return Value(context.Parameter(c.Field), c.Operator, c.Value, numeric: c.Value?.Number is not null);
            case FieldKind.Tag:
                {
                    var tag = c.Value?.Text ?? c.Value?.ToString() ?? string.Empty;
                    return c.Operator switch
                    {
                        FilterOperator.Equal => context.Tags.Contains(tag),
                        FilterOperator.NotEqual => !context.Tags.Contains(tag),
                        FilterOperator.Like => context.Tags.Any(t => Like(t, tag)),
                        FilterOperator.NotLike => !context.Tags.Any(t => Like(t, tag)),
                        _ => false,
                    };
                }

            case FieldKind.Event:
                {
                    var code = c.Value?.Text ?? c.Value?.ToString() ?? string.Empty;
                    var joined = string.Join(',', context.Events);
                    return c.Operator switch
                    {
                        FilterOperator.Equal => context.Events.Contains(code, StringComparer.Ordinal),
                        FilterOperator.NotEqual => !context.Events.Contains(code, StringComparer.Ordinal),
                        FilterOperator.Like => Like(joined, code),
                        FilterOperator.NotLike => !Like(joined, code),
                        _ => false,
                    };
                }

            case FieldKind.Device:
                return DeviceField(c, context.Device);
            default:
                return false;
        }
    }

    private static bool DeviceField(Comparison c, Device d)
    {
        object? field = c.Field switch
        {
            "id" => d.Id.ToString(),
            "oui" => d.Id.Oui,
            "productClass" => d.Id.ProductClass,
            "serialNumber" => d.Id.SerialNumber,
            "manufacturer" => d.Manufacturer,
            "softwareVersion" => d.SoftwareVersion,
            "cwmpVersion" => d.CwmpVersion,
            "remoteAddress" => d.RemoteAddress,
            "transport" => d.Transport,
            "authMethod" => d.AuthMethod,
            "acsUrl" => d.AcsUrl,
            "enrolled" => d.Credentials.Enrolled,
            "bootstrapExpected" => d.BootstrapExpected,
            "connectionRequestUser" => d.ConnectionRequest?.Username,
            "registered" => d.RegisteredAt,
            "lastInform" => d.LastInformAt,
            "lastBoot" => d.LastBootAt,
            "lastBootstrap" => d.LastBootstrapAt,
            "acsUrlSet" => d.AcsUrlSetAt,
            _ => null,
        };

        switch (field)
        {
            case bool flag:
                var wanted = c.Value?.Text is "true" or "1";
                return c.Operator switch
                {
                    FilterOperator.IsNull => false,
                    FilterOperator.IsNotNull => true,
                    FilterOperator.NotEqual => flag != wanted,
                    _ => flag == wanted,
                };
            case DateTimeOffset time:
                if (c.Operator is FilterOperator.IsNull or FilterOperator.IsNotNull)
                {
                    return c.Operator == FilterOperator.IsNotNull;
                }

                return c.Value?.Time is { } t && Ordered(time.CompareTo(t), c.Operator);
            case string text:
                return c.Operator switch
                {
                    FilterOperator.IsNull => false,
                    FilterOperator.IsNotNull => true,
                    _ => c.Value is { } v && (c.Operator is FilterOperator.Like or FilterOperator.NotLike
                        ? Like(text, v.Text ?? string.Empty) == (c.Operator == FilterOperator.Like)
                        : Ordered(string.CompareOrdinal(text, v.Text ?? v.ToString()), c.Operator)),
                };
            default:
                return c.Operator == FilterOperator.IsNull;
        }
    }

    private static bool Value(string? value, FilterOperator op, FilterValue? right, bool numeric)
    {
        if (op is FilterOperator.IsNull or FilterOperator.IsNotNull)
        {
            return string.IsNullOrEmpty(value) == (op == FilterOperator.IsNull);
        }

        if (value is null || right is null)
        {
            return false;
        }

        if (op is FilterOperator.Like or FilterOperator.NotLike)
        {
            return Like(value, right.Text ?? string.Empty) == (op == FilterOperator.Like);
        }

        if (numeric)
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && Ordered(number.CompareTo(right.Number!.Value), op);
        }

        return Ordered(string.CompareOrdinal(value, right.Text ?? right.ToString()), op);
    }

    private static bool Ordered(int order, FilterOperator op) => op switch
    {
        FilterOperator.Equal => order == 0,
        FilterOperator.NotEqual => order != 0,
        FilterOperator.Less => order < 0,
        FilterOperator.LessOrEqual => order <= 0,
        FilterOperator.Greater => order > 0,
        FilterOperator.GreaterOrEqual => order >= 0,
        _ => false,
    };

    /// <summary>SQL LIKE: <c>%</c> any run, <c>_</c> one character, <c>\</c> escapes; ASCII letters match either case.</summary>
    internal static bool Like(string text, string pattern)
    {
        // Iterative matcher with one backtrack point per '%': linear in practice, never exponential.
        int t = 0, p = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '%')
            {
                starP = ++p;
                starT = t;
                continue;
            }

            if (p < pattern.Length && Single(text[t], pattern, ref p))
            {
                t++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '%')
        {
            p++;
        }

        return p == pattern.Length;
    }

    // Whether text char c matches the pattern element at p; advances p past the element when it does.
    private static bool Single(char c, string pattern, ref int p)
    {
        var q = p;
        var e = pattern[q];
        if (e == '_')
        {
            p = q + 1;
            return true;
        }

        if (e == '\\' && q + 1 < pattern.Length)
        {
            e = pattern[++q];
        }

        if (c == e || (char.IsAscii(c) && char.IsAscii(e) && char.ToLowerInvariant(c) == char.ToLowerInvariant(e)))
        {
            p = q + 1;
            return true;
        }

        return false;
    }
}
