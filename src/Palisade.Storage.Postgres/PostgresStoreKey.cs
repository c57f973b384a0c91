using System.Security.Cryptography;
using Npgsql;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The key that seals the store's readable secrets (<see cref="SecretBox"/>): a file outside the database that every
/// node reads (the same file on each). A sealed check value in the database proves it at open; a node with another
/// key, or none while the database holds sealed values, is refused with what to restore, never given a new key.
/// </summary>
internal static class PostgresStoreKey
{
    private const string CheckContext = "palisade store key check";

    public static async Task<SecretBox> LoadAsync(string path, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var check = await ReadCheckAsync(connection, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(path))
        {
            if (check is not null)
            {
                throw new StoreException(StoreErrorReason.Unavailable,
                    $"The store's key file '{path}' is missing, but the database holds connection-request passwords sealed with it: copy the key file from the node that created the store (or from its backup).");
            }

            SecretFile.Write(path, SecretBox.Create().KeyText);
        }

        var box = Read(path);
        if (check is null)
        {
            // A new store: record a check value. A node that got there first wins; its key is then the one to use.
            await using (var insert = PostgresDatabase.Command(connection, null, "INSERT INTO store_key_check (id, canary) VALUES (1, $1) ON CONFLICT (id) DO NOTHING"))
            {
                insert.Parameters.Add(Parameters.Bytes(box.Seal("palisade", CheckContext)));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            check = (await ReadCheckAsync(connection, cancellationToken).ConfigureAwait(false))!;
        }

        try
        {
            box.Open(check, CheckContext);
        }
        catch (CryptographicException)
        {
            throw new StoreException(StoreErrorReason.Unavailable,
                $"The key file '{path}' is not this store's key (the database's sealed values do not open with it): use the key file of the node that created the store.");
        }

        return box;
    }

    private static SecretBox Read(string path)
    {
        try
        {
            return SecretBox.FromKeyText(File.ReadAllText(path));
        }
        catch (InvalidDataException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"The store's key file '{path}' is damaged: {e.Message}", e);
        }
    }

    private static async Task<byte[]?> ReadCheckAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = PostgresDatabase.Command(connection, null, "SELECT canary FROM store_key_check WHERE id = 1");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }
}
