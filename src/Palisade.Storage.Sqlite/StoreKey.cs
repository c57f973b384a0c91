using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The key that seals the store's readable secrets (<see cref="SecretBox"/>), in its own owner-only file beside
/// (not inside) the database. Created with a new store; for an existing one it must be the key the store was sealed
/// with, which a sealed check value in the database proves at open. A missing or foreign key is an error that says
/// what to restore, never a silent new key that would orphan every sealed secret.
/// </summary>
internal static class StoreKey
{
    public const string FileName = "store.key";

    private const string CheckContext = "palisade store key check";

    public static SecretBox Load(string path, SqliteConnection writer)
    {
        var check = ReadCheck(writer);
        if (!File.Exists(path))
        {
            if (check is not null)
            {
                throw new StoreException(StoreErrorReason.Unavailable,
                    $"The store's key file '{path}' is missing, but the store holds connection-request passwords sealed with it: put the key file back (from the backup of this data folder).");
            }

            var created = SecretBox.Create();
            SecretFile.Write(path, created.KeyText);
        }

        var box = Read(path);
        if (check is null)
        {
            // A new store (or one from before sealed secrets): record a check value; a second process that got there
            // first wins, and its key is the one in the file.
            using var insert = writer.CreateCommand();
            insert.CommandText = "INSERT OR IGNORE INTO store_key_check (id, canary) VALUES (1, $canary)";
            insert.Parameters.AddWithValue("$canary", box.Seal("palisade", CheckContext));
            insert.ExecuteNonQuery();
            check = ReadCheck(writer)!;
            box = Read(path);
        }

        try
        {
            box.Open(check, CheckContext);
        }
        catch (CryptographicException)
        {
            throw new StoreException(StoreErrorReason.Unavailable,
                $"The key file '{path}' is not this store's key (the store's sealed values do not open with it): put back the key file that came with this database.");
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

    private static byte[]? ReadCheck(SqliteConnection writer)
    {
        using var command = writer.CreateCommand();
        command.CommandText = "SELECT canary FROM store_key_check WHERE id = 1";
        return command.ExecuteScalar() as byte[];
    }
}
