using System.Globalization;
using System.Text;
using Npgsql;
using Palisade.Acs.Query;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Translates a <see cref="Filter"/> into a SQL condition over <c>devices d</c>, as the SQLite store reads it (LIKE
/// ignores ASCII case, a number compares a parameter's leading number). Only fixed SQL fragments and positional
/// parameter numbers are ever written into the text; every value from the filter is bound as a typed parameter.
/// </summary>
internal sealed class PostgresFilter
{
    private static readonly Dictionary<string, string> Columns = new(StringComparer.Ordinal)
    {
        ["id"] = "d.id",
        ["oui"] = "d.oui",
        ["productClass"] = "d.product_class",
        ["serialNumber"] = "d.serial_number",
        ["manufacturer"] = "d.manufacturer",
        ["softwareVersion"] = "d.software_version",
        ["cwmpVersion"] = "d.cwmp_version",
        ["remoteAddress"] = "d.remote_address",
        ["transport"] = "d.transport",
        ["authMethod"] = "d.auth_method",
        ["acsUrl"] = "d.acs_url",
        ["enrolled"] = "d.enrolled",
        ["bootstrapExpected"] = "d.bootstrap_expected",
        ["connectionRequestUser"] = "d.cr_username",
        ["registered"] = "d.registered_at",
        ["lastInform"] = "d.last_inform_at",
        ["lastBoot"] = "d.last_boot_at",
        ["lastBootstrap"] = "d.last_bootstrap_at",
        ["acsUrlSet"] = "d.acs_url_set_at",
    };

    private static readonly HashSet<string> TimeColumns = new(StringComparer.Ordinal) { "registered", "lastInform", "lastBoot", "lastBootstrap", "acsUrlSet" };

    private readonly StringBuilder _sql = new();
    private readonly List<NpgsqlParameter> _parameters = [];
    private readonly int _first;

    private PostgresFilter(int first) => _first = first;

    public string Sql => _sql.ToString();

    /// <summary>The condition for <paramref name="filter"/> ("true" for none); its parameters are numbered from <paramref name="firstParameter"/>.</summary>
    public static PostgresFilter Compile(Filter? filter, int firstParameter)
    {
        var compiled = new PostgresFilter(firstParameter);
        if (filter is null)
        {
            compiled._sql.Append("true");
        }
        else
        {
            compiled.Emit(filter);
        }

        return compiled;
    }

    /// <summary>Adds the filter's parameters; the command's own come first, numbered below the first one given to <see cref="Compile"/>.</summary>
    public void Bind(NpgsqlCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var parameter in _parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }
    }

    private string Parameter(NpgsqlParameter value)
    {
        _parameters.Add(value);
        return "$" + (_first + _parameters.Count - 1).ToString(CultureInfo.InvariantCulture);
    }

    private string Text(string value) => Parameter(Parameters.Text(value));

    private void Emit(Filter filter)
    {
        switch (filter)
        {
            case AndFilter and:
                _sql.Append('(');
                Emit(and.Left);
                _sql.Append(" AND ");
                Emit(and.Right);
                _sql.Append(')');
                break;
            case OrFilter or:
                _sql.Append('(');
                Emit(or.Left);
                _sql.Append(" OR ");
                Emit(or.Right);
                _sql.Append(')');
                break;
            case NotFilter not:
                _sql.Append("(NOT ");
                Emit(not.Inner);
                _sql.Append(')');
                break;
            case Comparison c:
                Comparison(c);
                break;
            default:
                throw new FilterException("Unsupported filter node");
        }
    }

    private void Comparison(Comparison c)
    {
        switch (c.Kind)
        {
            case FieldKind.Parameter:
                var path = Text(c.Field);
                const string Base = "SELECT 1 FROM parameters p JOIN paths pa ON pa.id = p.path WHERE p.device = d.key AND pa.path = ";
                if (c.Operator == FilterOperator.IsNull)
                {
                    _sql.Append("NOT EXISTS (").Append(Base).Append(path).Append(" AND p.value IS NOT NULL AND p.value <> '')");
                }
                else if (c.Operator == FilterOperator.IsNotNull)
                {
                    _sql.Append("EXISTS (").Append(Base).Append(path).Append(" AND p.value IS NOT NULL AND p.value <> '')");
                }
                else
                {
                    _sql.Append("EXISTS (").Append(Base).Append(path).Append(" AND ");
                    Value("p.value", c.Operator, c.Value!, numeric: c.Value!.Number is not null, time: false);
                    _sql.Append(')');
                }

                break;

            case FieldKind.Tag:
                var tag = Text(c.Value!.Text ?? c.Value.ToString());
                var like = c.Operator is FilterOperator.Like or FilterOperator.NotLike;
                var negate = c.Operator is FilterOperator.NotEqual or FilterOperator.NotLike;
                _sql.Append(negate ? "NOT EXISTS" : "EXISTS")
                    .Append(" (SELECT 1 FROM tags t WHERE t.device = d.key AND t.tag ")
                    .Append(like ? "ILIKE " + tag + " ESCAPE '\\'" : "= " + tag).Append(')');
                break;

            case FieldKind.Event when c.HasWindow:
                EventInWindow(c);
                break;

            case FieldKind.Event:
                var code = Text(c.Value!.Text ?? c.Value.ToString());
                _sql.Append(c.Operator switch
                {
                    FilterOperator.Equal => $"position(',' || {code} || ',' in ',' || d.last_events || ',') > 0",
                    FilterOperator.NotEqual => $"position(',' || {code} || ',' in ',' || d.last_events || ',') = 0",
                    FilterOperator.Like => $"d.last_events ILIKE {code} ESCAPE '\\'",
                    _ => $"d.last_events NOT ILIKE {code} ESCAPE '\\'",
                });
                break;

            case FieldKind.Device:
                var column = Columns.TryGetValue(c.Field, out var col) ? col : throw new FilterException($"Unknown field {c.Field}");
                if (c.Operator is FilterOperator.IsNull or FilterOperator.IsNotNull)
                {
                    _sql.Append(column).Append(c.Operator == FilterOperator.IsNull ? " IS NULL" : " IS NOT NULL");
                }
                else if (c.Field is "enrolled" or "bootstrapExpected")
                {
                    _sql.Append(column).Append(c.Operator == FilterOperator.NotEqual ? " <> " : " = ").Append(Parameter(Parameters.Bool(c.Value!.Text is "true" or "1")));
                }
                else
                {
                    Value(column, c.Operator, c.Value!, numeric: false, time: TimeColumns.Contains(c.Field));
                }

                break;
        }
    }

    private void EventInWindow(Comparison c)
    {
        var code = Text(c.Value!.Text ?? c.Value.ToString());
        var like = c.Operator is FilterOperator.Like or FilterOperator.NotLike;
        var since = c.Since is { } s ? Parameter(Parameters.Time(s)) : null;
        var until = c.Until is { } u ? Parameter(Parameters.Time(u)) : null;
        _sql.Append(c.Operator is FilterOperator.NotEqual or FilterOperator.NotLike ? "(NOT (" : "((")
            .Append("EXISTS (SELECT 1 FROM device_events e WHERE e.device = d.key AND e.code ")
            .Append(like ? "ILIKE " + code + " ESCAPE '\\'" : "= " + code);
        Window("e.at", since, until);
        _sql.Append(") OR (")
            .Append(like ? "d.last_events ILIKE " + code + " ESCAPE '\\'" : $"position(',' || {code} || ',' in ',' || d.last_events || ',') > 0");
        Window("d.last_inform_at", since, until);
        _sql.Append(")))");
    }

    private void Window(string column, string? since, string? until)
    {
        if (since is not null)
        {
            _sql.Append(" AND ").Append(column).Append(" >= ").Append(since);
        }

        if (until is not null)
        {
            _sql.Append(" AND ").Append(column).Append(" < ").Append(until);
        }
    }

    private void Value(string column, FilterOperator op, FilterValue value, bool numeric, bool time)
    {
        if (op is FilterOperator.Like or FilterOperator.NotLike)
        {
            _sql.Append(column).Append(op == FilterOperator.Like ? " ILIKE " : " NOT ILIKE ").Append(Text(value.Text ?? value.ToString())).Append(" ESCAPE '\\'");
            return;
        }

        string bound;
        string left;
        if (time)
        {
            // The parser gives a time field a time, always.
            bound = Parameter(Parameters.Time(value.Time ?? throw new FilterException("Compare times with now-… or a quoted date")));
            left = column;
        }
        else if (numeric)
        {
            // As text, read as numeric: a double's own text (1E+300) is a valid numeric, and no bound overflows.
            bound = Text(value.Number!.Value.ToString("R", CultureInfo.InvariantCulture)) + "::numeric";
            left = $"palisade_number({column})";
        }
        else
        {
            bound = Text(value.Time is { } t ? t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : value.Text ?? value.ToString());
            left = column;
        }

        _sql.Append(left).Append(op switch
        {
            FilterOperator.Equal => " = ",
            FilterOperator.NotEqual => " <> ",
            FilterOperator.Less => " < ",
            FilterOperator.LessOrEqual => " <= ",
            FilterOperator.Greater => " > ",
            _ => " >= ",
        }).Append(bound);
    }
}
