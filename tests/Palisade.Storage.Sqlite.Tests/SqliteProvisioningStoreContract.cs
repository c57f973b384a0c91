using Palisade.Storage.Contract;

namespace Palisade.Storage.Sqlite.Tests;

/// <summary>The store contract's ProvisioningStoreContract (tests/Palisade.Storage.Contract), run against SQLite.</summary>
public sealed class SqliteProvisioningStoreContract : ProvisioningStoreContract<SqliteStoreFactory>
{
}
