using Palisade.Storage.Contract;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>The store contract's DeviceRegistryContract (tests/Palisade.Storage.Contract), run against PostgreSQL.</summary>
public sealed class PostgresDeviceRegistryContract : DeviceRegistryContract<PostgresStoreFactory>
{
}
