using Palisade.Acs.SavedSearches;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>Saved device searches, per owner.</summary>
internal sealed class PostgresSavedSearchStore(PostgresDatabase db) : ISavedSearchStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<SavedSearch>> ListSavedSearchesAsync(string owner, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<SavedSearch>>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT owner, name, query, created_at FROM saved_searches WHERE owner = $1 ORDER BY name").With(Parameters.Text(owner));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<SavedSearch>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new SavedSearch(r.GetString(0), r.GetString(1), r.GetString(2), PgDeviceRow.Time(r.GetInt64(3))));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutSavedSearchAsync(SavedSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        return db.WriteAsync(async (connection, transaction) =>
        {
            // xmax = 0 on the returned row: it was inserted, not updated.
            await using var command = Command(connection, transaction, """
                INSERT INTO saved_searches (owner, name, query, created_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (owner, name) DO UPDATE SET query = excluded.query, created_at = excluded.created_at
                RETURNING (xmax = 0)
                """).With(Parameters.Text(search.Owner), Parameters.Text(search.Name), Parameters.Text(search.Query), Parameters.Time(search.CreatedAt));
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteSavedSearchAsync(string owner, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM saved_searches WHERE owner = $1 AND name = $2").With(Parameters.Text(owner), Parameters.Text(name));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
}
