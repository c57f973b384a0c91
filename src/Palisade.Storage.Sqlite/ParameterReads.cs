using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The parameter reads of one connection, each prepared on first use. How many known paths a prefix covers
/// picks the plan: at most NarrowPaths, paths first (so a read never costs more than that many lookups or the
/// device's own rows, whatever the prefix); counted once per prefix per call.
/// </summary>
internal sealed class ParameterReads(ReadConnection connection) : IDisposable
{
    // A device's tree or a subtree of it: the device's own rows, one range of the primary key, filtered by path.
    private const string ParametersOfDevice = """
        SELECT p.path, x.value, t.name, x.writable, x.notification, x.access_list, x.read_at
        FROM parameters x
        JOIN devices d ON d.rowid = x.device
        JOIN paths p ON p.id = x.path
        LEFT JOIN types t ON t.id = x.type
        WHERE d.id = $id AND p.path >= $from AND p.path < $to
        ORDER BY p.path
        """;

    // A narrow prefix (a projected column's name): the few known paths in range first, in order from their index,
    // then one primary-key lookup each; CROSS JOIN keeps that order. The plan above read every cached parameter of
    // the device (1,200 for a gateway) to find one name. For a broad prefix it is the other way round: the fleet
    // knows more distinct paths under "Device." (or under a crafted "D") than one device holds rows.
    private const string ParametersNamed = """
        SELECT p.path, x.value, t.name, x.writable, x.notification, x.access_list, x.read_at
        FROM paths p
        CROSS JOIN parameters x ON x.device = (SELECT rowid FROM devices WHERE id = $id) AND x.path = p.id
        LEFT JOIN types t ON t.id = x.type
        WHERE p.path >= $from AND p.path < $to
        ORDER BY p.path
        """;

    private const int NarrowPaths = 64;
    private readonly Dictionary<string, bool> _narrow = new(StringComparer.Ordinal);
    private SqliteCommand? _ofDevice;
    private SqliteCommand? _named;
    private SqliteCommand? _pathsInRange;

    public void Read(DeviceId id, string? prefix, List<CachedParameter> into)
    {
        var (from, to) = PrefixRange(prefix);
        var command = prefix is not null && IsNarrow(prefix, from, to)
            ? _named ??= Prepare(ParametersNamed)
            : _ofDevice ??= Prepare(ParametersOfDevice);
        command.Parameters["$id"].Value = id.ToString();
        command.Parameters["$from"].Value = from;
        command.Parameters["$to"].Value = to;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            into.Add(new CachedParameter(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3) != 0,
                reader.IsDBNull(4) ? null : (int)reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : DeviceRow.Time(reader.GetInt64(6))));
        }
    }

    public void Dispose()
    {
        _ofDevice?.Dispose();
        _named?.Dispose();
        _pathsInRange?.Dispose();
    }

    private bool IsNarrow(string prefix, string from, string to)
    {
        if (!_narrow.TryGetValue(prefix, out var narrow))
        {
            var command = _pathsInRange ??= Prepare("SELECT count(*) FROM (SELECT 1 FROM paths WHERE path >= $from AND path < $to LIMIT " + (NarrowPaths + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
            command.Parameters["$from"].Value = from;
            command.Parameters["$to"].Value = to;
            narrow = (long)command.ExecuteScalar()! <= NarrowPaths;
            _narrow.Add(prefix, narrow);
        }

        return narrow;
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant statements only.
        command.CommandText = sql;
#pragma warning restore CA2100
        if (sql.Contains("$id", StringComparison.Ordinal))
        {
            command.Parameters.Add("$id", SqliteType.Text);
        }

        command.Parameters.Add("$from", SqliteType.Text);
        command.Parameters.Add("$to", SqliteType.Text);
        command.Prepare();
        return command;
    }
}
