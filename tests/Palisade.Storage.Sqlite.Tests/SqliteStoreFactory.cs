using Microsoft.Data.Sqlite;
using Palisade.Acs.Storage;
using Palisade.Storage.Contract;

namespace Palisade.Storage.Sqlite.Tests;

/// <summary>A SQLite store in a temporary data folder of its own, removed afterwards.</summary>
public sealed class SqliteStoreFactory : IStoreFactory
{
    /// <summary>The data folder.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "palisade-store-" + Guid.NewGuid().ToString("N"));

    /// <summary>The database file.</summary>
    public string DatabasePath => Path.Combine(Folder, "palisade.db");

    public Task<IPalisadeStore> OpenAsync() => Task.FromResult<IPalisadeStore>(Open());

    /// <summary>Opens the SQLite store itself, for the tests of what only it does.</summary>
    public SqliteStore Open() => SqliteStore.Open(new SqliteStoreOptions { DataDirectory = Folder });

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
