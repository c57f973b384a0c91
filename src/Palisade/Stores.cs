using Palisade.Acs.Storage;
using Palisade.Storage.Sqlite;

namespace Palisade;

/// <summary>
/// The one place that chooses the store; the server and the commands see only the store interfaces. SQLite in the
/// data folder is the only store so far (a choice such as <c>--db</c> comes with the next store).
/// </summary>
internal static class Stores
{
    /// <summary>Opens (creating and migrating if needed) the store of the data folder <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="StoreException">The store cannot be opened.</exception>
    public static IPalisadeStore Open(string dataDirectory) => SqliteStore.Open(new SqliteStoreOptions { DataDirectory = dataDirectory });

    /// <summary>True when <paramref name="dataDirectory"/> holds a store (a server has run there).</summary>
    public static bool Exists(string dataDirectory) => File.Exists(new SqliteStoreOptions { DataDirectory = dataDirectory }.DatabasePath);
}
