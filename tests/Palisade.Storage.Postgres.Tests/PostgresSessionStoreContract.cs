using Palisade.Storage.Contract;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>The store contract's SessionStoreContract (tests/Palisade.Storage.Contract), run against PostgreSQL.</summary>
public sealed class PostgresSessionStoreContract : SessionStoreContract<PostgresStoreFactory>
{
}
