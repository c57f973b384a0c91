using Palisade.Storage.Contract;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>The store contract's FileStoreContract (tests/Palisade.Storage.Contract), run against Postgres.</summary>
public sealed class PostgresFileStoreContract : FileStoreContract<PostgresStoreFactory>
{
}
