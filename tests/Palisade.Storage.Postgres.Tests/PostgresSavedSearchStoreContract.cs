using Palisade.Storage.Contract;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>The store contract's SavedSearchStoreContract (tests/Palisade.Storage.Contract), run against Postgres.</summary>
public sealed class PostgresSavedSearchStoreContract : SavedSearchStoreContract<PostgresStoreFactory>
{
}
