using Microsoft.Data.Sqlite;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// Interns strings (parameter paths, type names) into a table of ids, with an in-memory cache.
/// Used only under the store's write lock. Ids created in a transaction are cached only once it
/// commits, so a rollback never leaves the cache pointing at rows that do not exist.
/// </summary>
internal sealed class InternTable(string table, string column, int capacity)
{
    private readonly Dictionary<string, long> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly string _select = $"SELECT id FROM {table} WHERE {column} = $value";
    private readonly string _insert = $"INSERT INTO {table} ({column}) VALUES ($value) RETURNING id";

    public int Mark()
    {
        _pending.Clear();
        return 0;
    }

    public void Accept(int mark)
    {
        _ = mark;
        foreach (var (text, id) in _pending)
        {
            if (_committed.Count >= capacity)
            {
                break;
            }

            _committed[text] = id;
        }

        _pending.Clear();
    }

    public void Discard(int mark)
    {
        _ = mark;
        _pending.Clear();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL reaches this method; values are always bound as parameters.")]
    public long GetOrAdd(SqliteTransaction transaction, string text)
    {
        if (_committed.TryGetValue(text, out var id) || _pending.TryGetValue(text, out id))
        {
            return id;
        }

        using (var select = transaction.Connection!.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = _select;
            select.Parameters.AddWithValue("$value", text);
            if (select.ExecuteScalar() is long existing)
            {
                _pending[text] = existing;
                return existing;
            }
        }

        using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = _insert;
        insert.Parameters.AddWithValue("$value", text);
        id = (long)insert.ExecuteScalar()!;
        _pending[text] = id;
        return id;
    }

    /// <summary>The id of <paramref name="text"/> if it was ever interned, without adding it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL reaches this method; values are always bound as parameters.")]
    public long? Find(SqliteTransaction transaction, string text)
    {
        if (_committed.TryGetValue(text, out var id) || _pending.TryGetValue(text, out id))
        {
            return id;
        }

        using var select = transaction.Connection!.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = _select;
        select.Parameters.AddWithValue("$value", text);
        return select.ExecuteScalar() as long?;
    }
}
