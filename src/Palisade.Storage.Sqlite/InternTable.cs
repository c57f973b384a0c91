using Microsoft.Data.Sqlite;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// Interns strings (parameter paths, type names) into a table of ids, with an in-memory cache.
/// Used only under the store's write lock. Ids created in a transaction are cached only once it
/// commits, so a rollback (of the transaction or of one session's savepoint in it) never leaves the
/// cache pointing at rows that do not exist.
/// </summary>
internal sealed class InternTable(string table, string column, int capacity)
{
    private readonly Dictionary<string, long> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly List<string> _added = [];
    private readonly string _select = $"SELECT id FROM {table} WHERE {column} = $value";
    private readonly string _insert = $"INSERT INTO {table} ({column}) VALUES ($value) RETURNING id";

    /// <summary>A point to come back to: ids interned after it are forgotten by <see cref="Discard"/>.</summary>
    public int Mark() => _added.Count;

    /// <summary>The transaction committed: every id interned in it is real.</summary>
    public void Accept()
    {
        foreach (var text in _added)
        {
            if (_committed.Count >= capacity)
            {
                break;
            }

            _committed[text] = _pending[text];
        }

        _pending.Clear();
        _added.Clear();
    }

    /// <summary>Work since <paramref name="mark"/> was rolled back (to a savepoint, or the whole transaction from mark 0).</summary>
    public void Discard(int mark)
    {
        for (var i = _added.Count - 1; i >= mark; i--)
        {
            _pending.Remove(_added[i]);
        }

        _added.RemoveRange(mark, _added.Count - mark);
    }

    private void Add(string text, long id)
    {
        _pending[text] = id;
        _added.Add(text);
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
                Add(text, existing);
                return existing;
            }
        }

        using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = _insert;
        insert.Parameters.AddWithValue("$value", text);
        id = (long)insert.ExecuteScalar()!;
        Add(text, id);
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
