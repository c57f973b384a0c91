using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// A statement prepared once on a connection and driven through SQLite's own API, for the statements every CWMP
/// session runs (the commit's upserts on the writer, the device read and queued-task check on each reader).
/// Microsoft.Data.Sqlite looks every parameter's index up by name on every execution (a native call with the name
/// converted each time) and builds a data reader per execution: binding a session commit's ~190 values was ~39 %
/// of a commit loop's samples in a dotnet-trace profile. Here indexes are resolved once at prepare time. Errors surface as
/// <see cref="SqliteException"/>, as from the provider. Not thread-safe: one user at a time (the write lock, or
/// the reader connection's single renter). Only for constant SQL; values are always bound.
/// </summary>
internal sealed class RawStatement : IDisposable, IRow
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);

    public RawStatement(SqliteConnection connection, string sql)
    {
        _connection = connection;
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        var count = raw.sqlite3_bind_parameter_count(_statement);
        for (var i = 1; i <= count; i++)
        {
            _indexes[raw.sqlite3_bind_parameter_name(_statement, i).utf8_to_string()] = i;
        }
    }

    /// <summary>The position of the parameter named <paramref name="name"/> (with its $ prefix).</summary>
    public int Index(string name) =>
        _indexes.TryGetValue(name, out var index) ? index : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));

    /// <summary>True when the statement has a parameter named <paramref name="name"/>.</summary>
    public bool Has(string name) => _indexes.ContainsKey(name);

    public void Bind(string name, long value) => Bind(Index(name), value);

    public void Bind(string name, string? value) => Bind(Index(name), value);

    public void Bind(string name, byte[]? value) => Bind(Index(name), value);

    public void Bind(string name, long? value) => Bind(Index(name), value);

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) => Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    public void Bind(int index, byte[]? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs the statement to its first row (true) or to its end (false). On failure the statement is reset and the error thrown.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        switch (rc)
        {
            case raw.SQLITE_ROW:
                return true;
            case raw.SQLITE_DONE:
                return false;
            default:
                // With sqlite3_prepare_v2 the step's own code is the error; reset so the statement can run again.
                raw.sqlite3_reset(_statement);
                SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
                return false;
        }
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    long IRow.GetInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    public bool IsDBNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public string GetString(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public byte[] GetBytes(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    public bool IsBlob(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_BLOB;

    /// <summary>Ready for the next execution: no open row, no values bound.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
    }
}

/// <summary>The current row of a query, whichever way it was run.</summary>
internal interface IRow
{
    bool IsDBNull(int column);

    string GetString(int column);

    long GetInt64(int column);

    byte[] GetBytes(int column);

    /// <summary>The value in this row is stored as a blob (SQLite's type is per value, not per column).</summary>
    bool IsBlob(int column);
}

/// <summary>A provider data reader's current row as an <see cref="IRow"/>.</summary>
internal readonly struct ReaderRow(SqliteDataReader reader) : IRow
{
    public bool IsDBNull(int column) => reader.IsDBNull(column);

    public string GetString(int column) => reader.GetString(column);

    public long GetInt64(int column) => reader.GetInt64(column);

    public byte[] GetBytes(int column) => (byte[])reader.GetValue(column);

    public bool IsBlob(int column) => reader.GetFieldType(column) == typeof(byte[]);
}
