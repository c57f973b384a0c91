using Palisade.Storage.Contract;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>The store contract's SessionCommitContract (tests/Palisade.Storage.Contract), run against PostgreSQL.</summary>
public sealed class PostgresSessionCommitContract : SessionCommitContract<PostgresStoreFactory>
{
}
