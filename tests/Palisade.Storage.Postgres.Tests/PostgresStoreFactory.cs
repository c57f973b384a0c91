using Palisade.Acs.Storage;
using Palisade.Storage.Contract;
using Palisade.Testing;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>A PostgreSQL store in a schema of its own (and its key file in a temporary folder), dropped afterwards.</summary>
public sealed class PostgresStoreFactory : IStoreFactory
{
    private string? _connectionString;

    /// <summary>The schema the store lives in.</summary>
    public string Schema { get; } = "t_" + Guid.NewGuid().ToString("N");

    /// <summary>The folder of the store key file.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "palisade-pgstore-" + Guid.NewGuid().ToString("N"));

    /// <summary>The store's connection string (the schema is created on first use).</summary>
    public string ConnectionString => _connectionString ??= TestPostgres.CreateSchema(Schema);

    public async Task<IPalisadeStore> OpenAsync() => await Open();

    /// <summary>Opens the PostgreSQL store itself, for the tests of what only it does.</summary>
    public Task<PostgresStore> Open()
    {
        Directory.CreateDirectory(Folder);
        return PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = ConnectionString, KeyPath = Path.Combine(Folder, "store.key") });
    }

    public void Dispose()
    {
        if (_connectionString is not null)
        {
            TestPostgres.DropSchema(Schema);
        }

        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
