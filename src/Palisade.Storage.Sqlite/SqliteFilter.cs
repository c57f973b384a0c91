using System.Text;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Query;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// Translates a <see cref="Filter"/> into a SQL condition over <c>devices d</c>. Only fixed SQL fragments and
/// parameter names are ever written into the text; every value from the filter is bound as a parameter.
/// </summary>
internal sealed class SqliteFilter
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

    private readonly StringBuilder _sql = new();
    private readonly List<(string Name, object Value)> _parameters = [];

    private SqliteFilter()
    {
    }

    public string Sql => _sql.ToString();

    /// <summary>The condition for <paramref name="filter"/> ("1" for none).</summary>
    public static SqliteFilter Compile(Filter? filter)
    {
        var compiled = new SqliteFilter();
        if (filter is null)
        {
            compiled._sql.Append('1');
        }
        else
        {
            compiled.Emit(filter);
        }

        return compiled;
    }

    public void Bind(SqliteCommand command)
    {
        foreach (var (name, value) in _parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
    }

    private string Parameter(object value)
    {
        var name = "$f" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add((name, value));
        return name;
    }

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
                var path = Parameter(c.Field);
                const string Base = "SELECT 1 FROM parameters p JOIN paths pa ON pa.id = p.path WHERE p.device = d.rowid AND pa.path = ";
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
                    Value("p.value", c.Operator, c.Value!, numericCast: c.Value!.Number is not null);
                    _sql.Append(')');
                }

                break;

            case FieldKind.Tag:
                var tag = Parameter(c.Value!.Text ?? c.Value.ToString());
                var like = c.Operator is FilterOperator.Like or FilterOperator.NotLike;
                var negate = c.Operator is FilterOperator.NotEqual or FilterOperator.NotLike;
                _sql.Append(negate ? "NOT EXISTS" : "EXISTS")
                    .Append(" (SELECT 1 FROM tags t WHERE t.device = d.rowid AND t.tag ")
                    .Append(like ? "LIKE " + tag + " ESCAPE '\\'" : "= " + tag).Append(')');
                break;

            case FieldKind.Event when c.HasWindow:
                EventInWindow(c);
                break;

            case FieldKind.Event:
                var code = Parameter(c.Value!.Text ?? c.Value.ToString());
                _sql.Append(c.Operator switch
                {
                    FilterOperator.Equal => $"instr(',' || d.last_events || ',', ',' || {code} || ',') > 0",
                    FilterOperator.NotEqual => $"instr(',' || d.last_events || ',', ',' || {code} || ',') = 0",
                    FilterOperator.Like => $"d.last_events LIKE {code} ESCAPE '\\'",
                    _ => $"d.last_events NOT LIKE {code} ESCAPE '\\'",
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
                    _sql.Append(column).Append(c.Operator == FilterOperator.NotEqual ? " <> " : " = ").Append(Parameter(c.Value!.Text is "true" or "1" ? 1 : 0));
                }
                else
                {
                    Value(column, c.Operator, c.Value!, numericCast: false);
                }

                break;
        }
    }

    // The device's event history in the window, and the last Inform's events when that Inform falls in it (the routine
    // 2 PERIODIC is only there).
    private void EventInWindow(Comparison c)
    {
        var code = Parameter(c.Value!.Text ?? c.Value.ToString());
        var like = c.Operator is FilterOperator.Like or FilterOperator.NotLike;
        var since = c.Since is { } s ? Parameter(s.ToUnixTimeMilliseconds()) : null;
        var until = c.Until is { } u ? Parameter(u.ToUnixTimeMilliseconds()) : null;
        _sql.Append(c.Operator is FilterOperator.NotEqual or FilterOperator.NotLike ? "(NOT (" : "((")
            .Append("EXISTS (SELECT 1 FROM device_events e WHERE e.device = d.rowid AND e.code ")
            .Append(like ? "LIKE " + code + " ESCAPE '\\'" : "= " + code);
        Window("e.at", since, until);
        _sql.Append(") OR (")
            .Append(like ? "d.last_events LIKE " + code + " ESCAPE '\\'" : $"instr(',' || d.last_events || ',', ',' || {code} || ',') > 0");
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

    private void Value(string column, FilterOperator op, FilterValue value, bool numericCast)
    {
        if (op is FilterOperator.Like or FilterOperator.NotLike)
        {
            _sql.Append(column).Append(op == FilterOperator.Like ? " LIKE " : " NOT LIKE ").Append(Parameter(value.Text!)).Append(" ESCAPE '\\'");
            return;
        }

        object bound = value.Time is { } time ? time.ToUnixTimeMilliseconds() : value.Number is { } n && numericCast ? n : value.Text ?? value.ToString();
        var left = numericCast ? $"CAST({column} AS REAL)" : column;
        _sql.Append(left).Append(op switch
        {
            FilterOperator.Equal => " = ",
            FilterOperator.NotEqual => " <> ",
            FilterOperator.Less => " < ",
            FilterOperator.LessOrEqual => " <= ",
            FilterOperator.Greater => " > ",
            _ => " >= ",
        }).Append(Parameter(bound));
    }
}
