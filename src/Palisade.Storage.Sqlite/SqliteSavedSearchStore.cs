using Palisade.Acs.SavedSearches;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>Saved device searches, per owner.</summary>
internal sealed class SqliteSavedSearchStore(SqliteDatabase db) : ISavedSearchStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<SavedSearch>> ListSavedSearchesAsync(string owner, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<SavedSearch>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT owner, name, query, created_at FROM saved_searches WHERE owner = $owner ORDER BY name";
            command.Parameters.AddWithValue("$owner", owner);
            using var r = command.ExecuteReader();
            var list = new List<SavedSearch>();
            while (r.Read())
            {
                list.Add(new SavedSearch(r.GetString(0), r.GetString(1), r.GetString(2), DeviceRow.Time(r.GetInt64(3))));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutSavedSearchAsync(SavedSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        return db.WriteAsync(transaction =>
        {
            using var exists = Command(transaction, "SELECT 1 FROM saved_searches WHERE owner = $owner AND name = $name");
            exists.Parameters.AddWithValue("$owner", search.Owner);
            exists.Parameters.AddWithValue("$name", search.Name);
            var created = exists.ExecuteScalar() is null;
            using var command = Command(transaction, """
                INSERT INTO saved_searches (owner, name, query, created_at) VALUES ($owner, $name, $query, $at)
                ON CONFLICT (owner, name) DO UPDATE SET query = excluded.query, created_at = excluded.created_at
                """);
            command.Parameters.AddWithValue("$owner", search.Owner);
            command.Parameters.AddWithValue("$name", search.Name);
            command.Parameters.AddWithValue("$query", search.Query);
            command.Parameters.AddWithValue("$at", search.CreatedAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            return created;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteSavedSearchAsync(string owner, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "DELETE FROM saved_searches WHERE owner = $owner AND name = $name");
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$name", name);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
