using Palisade.Storage.Contract;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>The store contract's CampaignStoreContract (tests/Palisade.Storage.Contract), run against Postgres.</summary>
public sealed class PostgresCampaignStoreContract : CampaignStoreContract<PostgresStoreFactory>
{
}
