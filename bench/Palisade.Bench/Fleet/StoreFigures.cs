using Microsoft.Data.Sqlite;

namespace Palisade.Bench.Fleet;

/// <summary>What the server's store holds after a run, read from its file beside the stopped server.</summary>
internal static class StoreFigures
{
    public static (long Bytes, long Parameters, long Devices) StoreSize(string data)
    {
        var files = new[] { "palisade.db", "palisade.db-wal" }.Select(f => Path.Combine(data, f)).Where(File.Exists);
        var bytes = files.Sum(f => new FileInfo(f).Length);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "palisade.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM parameters";
        var parameters = (long)command.ExecuteScalar()!;
        command.CommandText = "SELECT count(*) FROM devices";
        return (bytes, parameters, (long)command.ExecuteScalar()!);
    }
}
