using Palisade.Storage.Sqlite;

namespace Palisade.Bench.Fleet;

// The store the benchmark queues tasks through, as the API does (the server finds them at the device's next
// session): opened on first use, beside the running server (SQLite in WAL mode serves both processes).
internal sealed class TaskQueue(string data) : IAsyncDisposable
{
    private SqliteStore? _store;

    public SqliteStore Store() => _store ??= SqliteStore.Open(new SqliteStoreOptions { DataDirectory = data });

    public ValueTask DisposeAsync() => _store?.DisposeAsync() ?? ValueTask.CompletedTask;
}
