using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The parameter reads of one connection, on statements the connection keeps prepared (<see cref="ReadConnection.Raw"/>):
/// every provisioning session reads a few subtrees, and preparing the two statements and the count again on each call
/// was SQLite's parser and planner at about 4 % of the server's CPU in the provision scenario. How many known paths
/// a prefix covers picks the plan: at most NarrowPaths, paths first (so a read never costs more than that many
/// lookups or the device's own rows, whatever the prefix); counted once per prefix per call.
/// </summary>
internal sealed class ParameterReads(ReadConnection connection)
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

    private static readonly string PathsInRange = "SELECT count(*) FROM (SELECT 1 FROM paths WHERE path >= $from AND path < $to LIMIT " + (NarrowPaths + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";

    private readonly Dictionary<string, bool> _narrow = new(StringComparer.Ordinal);

    public void Read(DeviceId id, string? prefix, List<CachedParameter> into)
    {
        var (from, to) = PrefixRange(prefix);
        var statement = connection.Raw(prefix is not null && IsNarrow(prefix, from, to) ? ParametersNamed : ParametersOfDevice);
        try
        {
            statement.Bind("$id", id.ToString());
            statement.Bind("$from", from);
            statement.Bind("$to", to);
            while (statement.Step())
            {
                into.Add(new CachedParameter(
                    statement.GetString(0),
                    statement.IsDBNull(1) ? null : statement.GetString(1),
                    statement.IsDBNull(2) ? null : statement.GetString(2),
                    statement.IsDBNull(3) ? null : statement.Int64(3) != 0,
                    statement.IsDBNull(4) ? null : (int)statement.Int64(4),
                    statement.IsDBNull(5) ? null : statement.GetString(5),
                    statement.IsDBNull(6) ? null : DeviceRow.Time(statement.Int64(6))));
            }
        }
        finally
        {
            statement.Reset();
        }
    }

    private bool IsNarrow(string prefix, string from, string to)
    {
        if (!_narrow.TryGetValue(prefix, out var narrow))
        {
            var count = connection.Raw(PathsInRange);
            try
            {
                count.Bind("$from", from);
                count.Bind("$to", to);
                narrow = count.Step() && count.Int64(0) <= NarrowPaths;
            }
            finally
            {
                count.Reset();
            }

            _narrow.Add(prefix, narrow);
        }

        return narrow;
    }
}
