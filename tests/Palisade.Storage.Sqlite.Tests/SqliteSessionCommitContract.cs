using Palisade.Storage.Contract;

namespace Palisade.Storage.Sqlite.Tests;

/// <summary>The store contract's SessionCommitContract (tests/Palisade.Storage.Contract), run against SQLite.</summary>
public sealed class SqliteSessionCommitContract : SessionCommitContract<SqliteStoreFactory>
{
}
