using Palisade.Storage.Contract;

namespace Palisade.Storage.Sqlite.Tests;

/// <summary>The store contract's SavedSearchStoreContract (tests/Palisade.Storage.Contract), run against Sqlite.</summary>
public sealed class SqliteSavedSearchStoreContract : SavedSearchStoreContract<SqliteStoreFactory>
{
}
