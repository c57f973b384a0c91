using System.Globalization;

namespace Palisade.Acs.Query;

/// <summary>A filter the parser refused, with the position and what was expected.</summary>
public sealed class FilterException : Exception
{
    public FilterException(string message, int position)
        : base($"{message} (at character {position + 1})")
    {
        Position = position;
    }

    public FilterException()
        : this("Invalid filter", 0)
    {
    }

    public FilterException(string message)
        : this(message, 0)
    {
    }

    public FilterException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public int Position { get; }
}

/// <summary>
/// Parses the device filter language:
/// <code>
/// Device.DeviceInfo.SoftwareVersion = "2.1" AND tag = "beta" AND lastInform > now-1h
/// NOT (event = "0 BOOTSTRAP" OR Device.WiFi.SSID.1.SSID LIKE "guest%") AND Device.X IS NULL
/// event = "10 AUTONOMOUS TRANSFER COMPLETE" SINCE now-7d UNTIL "2026-03-01"
/// </code>
/// Fields are parameter paths (starting <c>Device.</c> or <c>InternetGatewayDevice.</c>, or a virtual parameter's
/// <c>VirtualParameters.name</c>, its value as last computed), <c>tag</c>, <c>event</c>
/// or a device field (<see cref="DeviceFields"/>). Values are quoted strings, numbers, <c>true</c>/<c>false</c>, or
/// times (<c>now</c>, <c>now-15m</c>, <c>now-1h</c>, <c>now-7d</c>, an ISO 8601 date in quotes for time fields).
/// Input is bounded (length, terms, nesting); anything else is a <see cref="FilterException"/> naming the place.
/// Nothing in a filter ever becomes SQL text: stores bind every value as a parameter.
/// </summary>
public sealed class FilterParser
{
    public const int MaxLength = 4096;
    public const int MaxTerms = 64;
    public const int MaxDepth = 16;

    /// <summary>
    /// <paramref name="text"/> as a string value of the filter language: in double quotes, with <c>\</c> and <c>"</c>
    /// escaped, so that any text (a device id, a tag, a version a CPE sent) stays one value. The one way the ACS
    /// writes a filter for a user to see or to run.
    /// </summary>
    public static string Literal(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>The longest duration a time value may name (about 100 years).</summary>
    public const int MaxDurationDays = 36_525;

    /// <summary>Device fields a filter may name, and whether they hold times.</summary>
    public static readonly IReadOnlyDictionary<string, bool> DeviceFields = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["id"] = false,
        ["oui"] = false,
        ["productClass"] = false,
        ["serialNumber"] = false,
        ["manufacturer"] = false,
        ["softwareVersion"] = false,
        ["cwmpVersion"] = false,
        ["remoteAddress"] = false,
        ["transport"] = false,
        ["authMethod"] = false,
        ["acsUrl"] = false,
        ["enrolled"] = false,
        ["bootstrapExpected"] = false,
        ["connectionRequestUser"] = false,
        ["registered"] = true,
        ["lastInform"] = true,
        ["lastBoot"] = true,
        ["lastBootstrap"] = true,
        ["acsUrlSet"] = true,
    };

    private readonly string _text;
    private readonly DateTimeOffset _now;
    private int _pos;
    private int _terms;
    private bool _relative;

    private FilterParser(string text, DateTimeOffset now)
    {
        _text = text;
        _now = now;
    }

    /// <summary>Parses <paramref name="text"/>; null or blank means "every device" and returns null.</summary>
    public static Filter? Parse(string? text, DateTimeOffset now) => Parse(text, now, out _);

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="relative"/> is true when it says <c>now</c> (then the filter holds
    /// for the time it was parsed at only).
    /// </summary>
    public static Filter? Parse(string? text, DateTimeOffset now, out bool relative)
    {
        relative = false;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length > MaxLength)
        {
            throw new FilterException($"The filter is longer than {MaxLength} characters.", MaxLength);
        }

        var parser = new FilterParser(text, now);
        var filter = parser.Or(0);
        parser.SkipSpace();
        if (parser._pos < text.Length)
        {
            throw new FilterException($"Unexpected '{parser.Excerpt()}'", parser._pos);
        }

        relative = parser._relative;
        return filter;
    }

    private Filter Or(int depth)
    {
        var left = And(depth);
        while (Keyword("OR"))
        {
            left = new OrFilter(left, And(depth));
        }

        return left;
    }

    private Filter And(int depth)
    {
        var left = Unary(depth);
        while (Keyword("AND"))
        {
            left = new AndFilter(left, Unary(depth));
        }

        return left;
    }

    private Filter Unary(int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new FilterException($"The filter nests deeper than {MaxDepth} levels.", _pos);
        }

        if (Keyword("NOT"))
        {
            return new NotFilter(Unary(depth + 1));
        }

        SkipSpace();
        if (Peek() == '(')
        {
            _pos++;
            var inner = Or(depth + 1);
            SkipSpace();
            if (Peek() != ')')
            {
                throw new FilterException("Expected ')'", _pos);
            }

            _pos++;
            return inner;
        }

        return Term();
    }

    private Filter Term()
    {
        if (++_terms > MaxTerms)
        {
            throw new FilterException($"The filter has more than {MaxTerms} comparisons.", _pos);
        }

        SkipSpace();
        var start = _pos;
        var field = Identifier();
        var (kind, isTime) = Classify(field, start);

        if (Keyword("IS"))
        {
            var not = Keyword("NOT");
            if (!Keyword("NULL"))
            {
                throw new FilterException("Expected NULL after IS", _pos);
            }

            return new Comparison(kind, field, not ? FilterOperator.IsNotNull : FilterOperator.IsNull, null);
        }

        FilterOperator op;
        if (Keyword("NOT"))
        {
            if (!Keyword("LIKE"))
            {
                throw new FilterException("Expected LIKE after NOT", _pos);
            }

            op = FilterOperator.NotLike;
        }
        else if (Keyword("LIKE"))
        {
            op = FilterOperator.Like;
        }
        else
        {
            op = Operator();
        }

        var value = Value(isTime);
        if (op is FilterOperator.Like or FilterOperator.NotLike && value.Text is null)
        {
            throw new FilterException("LIKE needs a quoted pattern", _pos);
        }

        if (kind is FieldKind.Tag or FieldKind.Event && op is not (FilterOperator.Equal or FilterOperator.NotEqual or FilterOperator.Like or FilterOperator.NotLike))
        {
            throw new FilterException($"{field} supports =, <>, LIKE and NOT LIKE only", start);
        }

        var comparison = new Comparison(kind, field, op, value);
        if (kind == FieldKind.Event)
        {
            // event = "…" SINCE now-7d UNTIL now-1d: the device's event history in that window.
            var since = Keyword("SINCE") ? Value(isTime: true).Time : null;
            var until = Keyword("UNTIL") ? Value(isTime: true).Time : null;
            comparison = comparison with { Since = since, Until = until };
        }

        return comparison;
    }

    private static (FieldKind Kind, bool IsTime) Classify(string field, int position)
    {
        if (field.StartsWith("Device.", StringComparison.Ordinal) || field.StartsWith("InternetGatewayDevice.", StringComparison.Ordinal)
            || field.StartsWith("VirtualParameters.", StringComparison.Ordinal))
        {
            if (field.EndsWith('.') || field.Contains("..", StringComparison.Ordinal))
            {
                throw new FilterException($"'{field}' is not a parameter path", position);
            }

            return (FieldKind.Parameter, false);
        }

        return field switch
        {
            "tag" => (FieldKind.Tag, false),
            "event" => (FieldKind.Event, false),
            _ when DeviceFields.TryGetValue(field, out var isTime) => (FieldKind.Device, isTime),
            _ => throw new FilterException($"Unknown field '{field}': use a parameter path, tag, event or one of {string.Join(", ", DeviceFields.Keys)}", position),
        };
    }

    private string Identifier()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '.' or '_' or '-'))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw new FilterException(_pos >= _text.Length ? "Expected a field, found the end" : $"Expected a field, found '{Excerpt()}'", _pos);
        }

        if (_pos - start > 512)
        {
            throw new FilterException("A field name is longer than 512 characters", start);
        }

        return _text[start.._pos];
    }

    private FilterOperator Operator()
    {
        SkipSpace();
        string[] ops = ["<=", ">=", "<>", "!=", "=", "<", ">"];
        foreach (var op in ops)
        {
            if (string.CompareOrdinal(_text, _pos, op, 0, op.Length) == 0)
            {
                _pos += op.Length;
                return op switch
                {
                    "<=" => FilterOperator.LessOrEqual,
                    ">=" => FilterOperator.GreaterOrEqual,
                    "<>" or "!=" => FilterOperator.NotEqual,
                    "=" => FilterOperator.Equal,
                    "<" => FilterOperator.Less,
                    _ => FilterOperator.Greater,
                };
            }
        }

        throw new FilterException(_pos >= _text.Length ? "Expected an operator, found the end" : $"Expected an operator (=, <>, <, <=, >, >=, LIKE, IS NULL), found '{Excerpt()}'", _pos);
    }

    private FilterValue Value(bool isTime)
    {
        SkipSpace();
        var start = _pos;
        var c = Peek();
        if (c is '"' or '\'')
        {
            var text = Quoted(c);
            if (isTime)
            {
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                    ? new FilterValue(null, null, time)
                    : throw new FilterException($"'{text}' is not a date and time", start);
            }

            return new FilterValue(text, null, null);
        }

        if (Keyword("now"))
        {
            _relative = true;
            var time = _now;
            if (Peek() is '-' or '+')
            {
                var sign = _text[_pos] == '-' ? -1 : 1;
                _pos++;
                var digits = _pos;
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }

                if (_pos == digits || _pos - digits > 9 || _pos >= _text.Length)
                {
                    throw new FilterException("Expected a duration like now-15m, now-1h or now-7d", start);
                }

                var amount = (double)int.Parse(_text.AsSpan(digits, _pos - digits), CultureInfo.InvariantCulture);
                var unit = _text[_pos++];
                var days = unit switch
                {
                    's' => amount / 86400,
                    'm' => amount / 1440,
                    'h' => amount / 24,
                    'd' => amount,
                    _ => throw new FilterException("A duration ends with s, m, h or d", _pos - 1),
                };

                // Bounded before it becomes a TimeSpan: now-99999999d would overflow the calendar.
                if (days > MaxDurationDays)
                {
                    throw new FilterException($"A duration is at most {MaxDurationDays} days", start);
                }

                time += TimeSpan.FromDays(days * sign);
            }

            return new FilterValue(null, null, time);
        }

        if (Keyword("true"))
        {
            return new FilterValue("true", null, null);
        }

        if (Keyword("false"))
        {
            return new FilterValue("false", null, null);
        }

        while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] is '-' or '.' or '+' or 'e' or 'E'))
        {
            _pos++;
        }

        if (_pos > start && double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return isTime ? throw new FilterException("Compare times with now-… or a quoted date", start) : new FilterValue(_text[start.._pos], number, null);
        }

        _pos = start;
        throw new FilterException(_pos >= _text.Length ? "Expected a value, found the end" : $"Expected a value (a \"quoted string\", a number, true/false or now-1h), found '{Excerpt()}'", start);
    }

    private string Quoted(char quote)
    {
        var start = _pos++;
        var builder = new System.Text.StringBuilder();
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (c == '\\' && _pos < _text.Length)
            {
                builder.Append(_text[_pos++]);
            }
            else if (c == quote)
            {
                return builder.ToString();
            }
            else
            {
                builder.Append(c);
            }
        }

        throw new FilterException("Unterminated string", start);
    }

    private bool Keyword(string word)
    {
        SkipSpace();
        if (_pos + word.Length > _text.Length || string.Compare(_text, _pos, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) != 0)
        {
            return false;
        }

        var end = _pos + word.Length;
        if (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] is '_' or '.'))
        {
            return false;
        }

        _pos = end;
        return true;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private string Excerpt() => _pos >= _text.Length ? string.Empty : _text.Substring(_pos, Math.Min(20, _text.Length - _pos));
}
